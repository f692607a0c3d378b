// CSRF for cookie sessions: every state-changing request made with the session cookie carries the
// session's token, else 403. Bearer-token and JWT clients are not cookie-borne and are not checked.
//
// How a page uses it (nothing to do on the server for routes behind auth.require(...): it checks):
//   - the page's <head> has csrfMeta(principal) → <meta name="csrf-token" content="…">
//     (renderPage in server/pages/layout.ts puts it there, and the sign-out form's _csrf field);
//   - a plain <form method="post"> adds csrfField(principal) → <input type="hidden" name="_csrf" …>;
//   - page scripts call the API through web/api.js (`api.post(url, body)` …), which sends the meta's
//     value as the X-CSRF-Token header with a JSON body.
// A route without auth.require (sign-out) calls assertCsrf(req, principal) itself.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppError } from '../http/errors.ts';
import type { Principal } from './principal.ts';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const escapeAttr = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request carries: the X-CSRF-Token header, else a `_csrf` form field. */
function tokenOf(req: Request): string | undefined {
  const header = req.headers[CSRF_HEADER];
  if (typeof header === 'string' && header) return header;
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' && !Buffer.isBuffer(body) ? body[CSRF_FIELD] : undefined;
  return typeof field === 'string' && field ? field : undefined;
}

/** Throws 403 when a cookie-session request that changes state lacks its session's token. */
export function assertCsrf(req: Request, principal: Principal): void {
  if (principal.kind !== 'session' || SAFE_METHODS.has(req.method)) return;
  const given = tokenOf(req);
  if (!given || !principal.session || !same(given, principal.session.csrf)) {
    throw new AppError(403, 'csrf', 'Missing or wrong CSRF token: reload the page and try again (send X-CSRF-Token)');
  }
}

export function csrfMeta(principal: Principal | undefined): string {
  return principal?.session ? `<meta name="csrf-token" content="${escapeAttr(principal.session.csrf)}">` : '';
}

export function csrfField(principal: Principal | undefined): string {
  return principal?.session ? `<input type="hidden" name="${CSRF_FIELD}" value="${escapeAttr(principal.session.csrf)}">` : '';
}
