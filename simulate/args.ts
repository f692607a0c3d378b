// Command-line flags of `npm run simulate`, parsed and checked once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isValidZone } from '../server/protocol/time.ts';

export interface SimulateArgs {
  url: string;
  sn: string;
  users: number;
  punches: number;
  batch: number;
  timeZone: string;
  pollSeconds: number;
  token: string | undefined;
  /** Where the token came from, named for the user (never the token itself). */
  tokenSource: string | undefined;
  names: boolean;
  stateFile: string | undefined;
  retryDelaySeconds: number;
  attempts: number;
  spacingSeconds: number;
  help: boolean;
}

export const USAGE = `npm run simulate -- [flags]   a ZKTeco clock speaking iClock push over HTTP

  --url URL          receiver or relay base URL (default http://127.0.0.1:3000)
  --sn SERIAL        the clock's serial number (default SIM0000001); approve it with DEVICE_SERIALS
  --users N          users enrolled on the clock (default 5), uploaded as OPERLOG USER lines
  --punches N        punches recorded and uploaded as ATTLOG (default 20), ending now, 60 s apart
  --batch N          lines per upload (default 128, as real clocks send)
  --tz ZONE          the clock's IANA zone for its local times (default: this machine's)
  --poll SECONDS     then poll getrequest that long and answer commands (default 0)
  --token TOKEN      send a Bearer token, as a relay does; a valid one approves the clock's serial
                     (default when --url is on this machine: the local receiver's token, the first of
                     API_TOKENS (environment, then .env), else DATA_DIR/api-token)
  --no-token         send no token, as a clock talking straight to a receiver does
  --skip-names       do not upload the users
  --state FILE       keep the clock's users and log in a JSON file between runs
  --spacing SECONDS  time between generated punches (default 60)
  --retry-delay S    wait before resending an upload that was not acknowledged (default 5)
  --attempts N       attempts per upload before giving up (default 5; the data stays in --state)
`;

function count(name: string, text: string, min = 0): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got "${text}")`);
  return n;
}

/** The settings the local receiver reads: the environment first, then ./.env (as `npm start` does). */
export interface SimulateEnv {
  env: NodeJS.ProcessEnv;
  dotenv?: Record<string, string>;
}

const isLocal = (url: string) => ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(url).hostname);

/** A receiver started here with `npm start` takes API_TOKENS when set, else its DATA_DIR/api-token. */
function localReceiverToken({ env, dotenv = {} }: SimulateEnv): { token: string; source: string } | undefined {
  for (const [tokens, where] of [[env.API_TOKENS, 'environment'], [dotenv.API_TOKENS, '.env']] as const) {
    const first = (tokens ?? '').split(',').map((t) => t.trim()).find(Boolean);
    if (first) return { token: first, source: `the first of API_TOKENS (${where})` };
  }
  const file = path.resolve(env.DATA_DIR || dotenv.DATA_DIR || 'data', 'api-token');
  return existsSync(file) ? { token: readFileSync(file, 'utf8').trim(), source: file } : undefined;
}

export function readSimulateArgs(argv: string[], settings: SimulateEnv = { env: {} }): SimulateArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      sn: { type: 'string', default: 'SIM0000001' },
      users: { type: 'string', default: '5' },
      punches: { type: 'string', default: '20' },
      batch: { type: 'string', default: '128' },
      tz: { type: 'string', default: Intl.DateTimeFormat().resolvedOptions().timeZone },
      poll: { type: 'string', default: '0' },
      token: { type: 'string' },
      'no-token': { type: 'boolean', default: false },
      names: { type: 'boolean', default: true },
      'skip-names': { type: 'boolean', default: false },
      state: { type: 'string' },
      spacing: { type: 'string', default: '60' },
      'retry-delay': { type: 'string', default: '5' },
      attempts: { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (!/^https?:\/\/[^/]+/i.test(values.url)) throw new Error(`--url must be an http:// URL (got "${values.url}")`);
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(values.sn)) throw new Error(`--sn must be letters and digits (got "${values.sn}")`);
  if (!isValidZone(values.tz)) throw new Error(`--tz must be an IANA zone such as Europe/Paris (got "${values.tz}")`);
  const local = values.token || values['no-token'] || !isLocal(values.url) ? undefined : localReceiverToken(settings);
  return {
    url: values.url,
    sn: values.sn,
    users: count('users', values.users),
    punches: count('punches', values.punches),
    batch: count('batch', values.batch, 1),
    timeZone: values.tz,
    pollSeconds: count('poll', values.poll),
    token: values['no-token'] ? undefined : (values.token ?? local?.token),
    tokenSource: values.token && !values['no-token'] ? 'the --token flag' : local?.source,
    names: values.names && !values['skip-names'],
    stateFile: values.state,
    retryDelaySeconds: count('retry-delay', values['retry-delay']),
    attempts: count('attempts', values.attempts, 1),
    spacingSeconds: count('spacing', values.spacing, 1),
    help: values.help,
  };
}
