// The few server-rendered HTML pages of sign-in: the form and the refusal of a handed-over token.
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/employees/assets/live.css">
</head>
<body class="auth-page">
<main class="auth-card">
${body}
</main>
</body>
</html>
`;
}

export function signInPage(options: { next: string; username?: string; error?: string; notice?: string }): string {
  const error = options.error ? `<p class="auth-error" role="alert">${escapeHtml(options.error)}</p>` : '';
  const notice = options.notice ? `<p class="auth-notice">${escapeHtml(options.notice)}</p>` : '';
  return page(
    'Sign in · Attendance',
    `<h1>Attendance</h1>
<p class="auth-lead">Sign in with your staff account to watch punches live.</p>
${error}${notice}
<form method="post" action="/employees/login" class="auth-form">
  <input type="hidden" name="next" value="${escapeHtml(options.next)}">
  <label>Username <input name="username" autocomplete="username" required autofocus value="${escapeHtml(options.username ?? '')}"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

export function refusedTokenPage(reason: string): string {
  return page(
    'Link refused · Attendance',
    `<h1>This sign-in link was refused</h1>
<p class="auth-error" role="alert">${escapeHtml(reason)}</p>
<p>Open the live page again from the ERP to get a fresh link, or sign in with a staff account.</p>
<p><a class="button" href="/employees/login">Go to sign-in</a></p>`,
  );
}
