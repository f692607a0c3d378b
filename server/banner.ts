// The start-up banner: where the receiver is, which database, and where each secret is kept. Pure, so each
// case is tested; main.ts gathers the facts and prints it.
import type { GeneratedAdmin } from './auth/staff.ts';

export interface BannerFacts {
  host: string;
  port: number;
  database: string;
  token: { generated?: { file: string; value: string }; file?: string };
  admin: {
    /** Made by this start: its password is printed once. */
    generated?: GeneratedAdmin;
    /** ADMIN_USER when ADMIN_USER/ADMIN_PASSWORD are set. */
    fromSettings?: string;
    /** DATA_DIR/admin-password when it exists (the first start's generated password). */
    passwordFile?: string;
    staffAccounts: number;
  };
}

/** The address a person can open: `localhost` when listening on every address, IPv6 in brackets. */
export function browsableUrl(host: string, port: number): string {
  const allAddresses = host === '0.0.0.0' || host === '::' || host === '';
  const name = allAddresses ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export function startupBanner(facts: BannerFacts): string[] {
  const url = browsableUrl(facts.host, facts.port);
  const lines = [
    `ZKTeco receiver listening on ${url} (devices: /iclock, API: /zkteco/api, live page: /employees/attendance/live)`,
    `Database: ${facts.database}`,
  ];
  const { token, admin } = facts;
  if (token.generated) lines.push(`API token (generated now, shown once; kept in ${token.generated.file}): ${token.generated.value}`);
  else if (token.file) lines.push(`API token: in ${token.file}`);
  else lines.push('API tokens: from API_TOKENS');

  // A newcomer must know how to get past the sign-in form: always say where the admin password is.
  const signIn = `Live page sign-in: ${url}/employees/login`;
  if (admin.generated) {
    const { username, password, file } = admin.generated;
    lines.push(`${signIn} as ${username} / ${password} (generated now, shown once; kept in ${file})`);
  } else if (admin.fromSettings) {
    lines.push(`${signIn} as ${admin.fromSettings} (password: ADMIN_PASSWORD, from .env or the environment)`);
  } else if (admin.passwordFile) {
    lines.push(`${signIn} as admin (password kept in ${admin.passwordFile})`);
  } else {
    const accounts = `${admin.staffAccounts} staff account${admin.staffAccounts === 1 ? '' : 's'}`;
    lines.push(`${signIn} (${accounts}; no admin password is kept in a file: set ADMIN_USER and ADMIN_PASSWORD to set one)`);
  }
  return lines;
}
