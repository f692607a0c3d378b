// Receiver settings: read once from the environment, validated, frozen. Nothing else reads process.env.
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { isValidZone } from './protocol/time.ts';
import { commaList, ConfigError, parseSettings, portSetting } from './settings.ts';
import type { PairingRules } from './timesheets/rules.ts';

/** Staff passwords (CONTRACT: at least 10 characters); the admin's from the environment too. */
export const MIN_PASSWORD_LENGTH = 10;

/** Values copied from .env.example, or any other "change-me": a secret everyone can read is no secret. */
const notPlaceholder = (value: string) => !/change-?me/i.test(value);
const PLACEHOLDER = 'is the example value from .env.example: put a random one of your own';

/** TRUST_PROXY: which proxies' X-Forwarded-* headers count (Express "trust proxy"): none, a hop count, or addresses. */
const trustProxy = z
  .string()
  .default('loopback')
  .transform((value, ctx): false | number | string[] => {
    const v = value.trim().toLowerCase();
    if (v === 'false' || v === 'none' || v === '') return false;
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = entries.find((e) => !['loopback', 'linklocal', 'uniquelocal'].includes(e) && !isAddressOrSubnet(e));
    if (v === 'true' || bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `"${v === 'true' ? 'true' : bad}" is not a proxy: give the proxy's address or subnet (e.g. 10.0.0.5 or 10.0.0.0/24), loopback, a hop count, or false` });
      return z.NEVER;
    }
    return entries;
  });

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

const schema = z
  .object({
    PORT: portSetting(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    DATABASE_POOL_SIZE: z.coerce.number().int('must be a whole number').min(2, 'must be at least 2').max(500).default(10),
    DATA_DIR: z.string().min(1).default('./data'),
    API_TOKENS: commaList('token-one,token-two')
      .refine((tokens) => tokens.every(notPlaceholder), `holds a token that ${PLACEHOLDER}`)
      .refine((tokens) => tokens.every((t) => t.length >= 16), 'each token must be at least 16 characters'),
    JWT_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters (e.g. the output of: openssl rand -base64 32)')
      .refine(notPlaceholder, PLACEHOLDER)
      .optional()
      .or(z.literal('').transform(() => undefined)),
    DEVICE_TIMEZONE: z
      .string()
      .refine(isValidZone, 'must be an IANA time zone such as Europe/Paris')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    DEVICE_SERIALS: commaList('AEWD200560017,CGXH201760005'),
    DEVICE_ADDRESS_PINNING: z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => ['true', '1', 'yes', 'on'].includes(value)),
    DEVICE_PENDING_MAX: z.coerce.number().int().min(1).default(50),
    DEVICE_PENDING_PER_ADDRESS_HOUR: z.coerce.number().int().min(1).default(5),
    ADMIN_USER: z.string().optional(),
    ADMIN_PASSWORD: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).refine(notPlaceholder, PLACEHOLDER).optional(),
    TIMESHEET_PAIRING: z.enum(['sequence', 'key']).default('sequence'),
    TIMESHEET_DOUBLE_TAP_SECONDS: z.coerce.number().int().min(0, 'must be 0 or more seconds').max(3600, 'must be at most 3600 seconds').default(60),
    TIMESHEET_MAX_SESSION_HOURS: z.coerce.number().positive('must be more than 0 hours').max(48, 'must be at most 48 hours').default(14),
    DEVICE_LAST_SEEN_FLUSH_SECONDS: z.coerce.number().min(0.05, 'must be at least 0.05 seconds').max(300).default(20),
    DEVICE_OFFLINE_SECONDS: z.coerce.number().int('must be a whole number of seconds').min(30, 'must be at least 30 seconds').max(86_400).default(120),
    RECONCILE_AT: z
      .string()
      .regex(/^(([01]\d|2[0-3]):[0-5]\d|off)$/, 'must be a device-local time HH:MM such as 02:30, or off')
      .default('02:30')
      .transform((value) => (value === 'off' ? null : value)),
    UNAPPROVED_JOURNAL_MAX_MB: z.coerce.number().positive('must be a positive number of MB').default(100),
    TRUST_PROXY: trustProxy,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((env) => Boolean(env.ADMIN_USER) === Boolean(env.ADMIN_PASSWORD), {
    message: 'ADMIN_USER and ADMIN_PASSWORD must be set together',
    path: ['ADMIN_PASSWORD'],
  });

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** Connections in the pool to real Postgres (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  dataDir: string;
  apiTokens: readonly string[];
  jwtSecret: string | undefined;
  /** Zone a clock's punches are read in when it has none of its own: DEVICE_TIMEZONE, else the server's. */
  deviceTimezone: string;
  /** DEVICE_TIMEZONE was set: a zone someone chose, which clocks may be told (else nobody chose it). */
  deviceTimezoneSet: boolean;
  deviceSerials: readonly string[];
  /** Hold commands for an approved clock seen at a new address until an admin confirms the address. */
  deviceAddressPinning: boolean;
  /** New pending serials: at most this many pending in all, and this many per address per hour. */
  pendingLimits: { total: number; perAddressPerHour: number };
  admin: { user: string; password: string } | undefined;
  logLevel: string;
  /** How punches pair into worked time (CONTRACT "Timesheets"). */
  timesheets: PairingRules;
  /** No contact for this long: the clock is offline (webhooks, metrics). */
  deviceOfflineSeconds: number;
  /** Clocks' contact times are kept in memory and written, all in one statement, this often (ms): at most
   *  DEVICE_LAST_SEEN_FLUSH_SECONDS, and never less often than half of DEVICE_OFFLINE_SECONDS. */
  lastSeenFlushMs: number;
  /** Device-local HH:MM of the daily count check against each clock; null: no daily check (on demand only). */
  reconcileAt: string | null;
  /** Disk the journal may hold for direct uploads from clocks nobody approved. */
  unapprovedJournalMaxBytes: number;
  /** Express "trust proxy": false, a hop count, or addresses/subnets/loopback. */
  trustProxy: false | number | readonly string[];
}

export { ConfigError };

/** This process's zone (TZ, else the system's). */
export const systemZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * Reads the receiver's settings; throws one ConfigError line naming the first wrong setting.
 * `serverZone`: the zone this server runs in (tests pass one to stand for a VPS in UTC).
 */
export function readConfig(env: NodeJS.ProcessEnv, serverZone: string = systemZone()): Readonly<Config> {
  const e = parseSettings(schema, env);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: path.resolve(e.DATA_DIR),
    apiTokens: Object.freeze(e.API_TOKENS),
    jwtSecret: e.JWT_SECRET,
    deviceTimezone: e.DEVICE_TIMEZONE ?? serverZone,
    deviceTimezoneSet: e.DEVICE_TIMEZONE !== undefined,
    deviceSerials: Object.freeze(e.DEVICE_SERIALS),
    deviceAddressPinning: e.DEVICE_ADDRESS_PINNING,
    pendingLimits: Object.freeze({ total: e.DEVICE_PENDING_MAX, perAddressPerHour: e.DEVICE_PENDING_PER_ADDRESS_HOUR }),
    admin: e.ADMIN_USER && e.ADMIN_PASSWORD ? { user: e.ADMIN_USER, password: e.ADMIN_PASSWORD } : undefined,
    logLevel: e.LOG_LEVEL,
    timesheets: Object.freeze({
      pairing: e.TIMESHEET_PAIRING,
      doubleTapSeconds: e.TIMESHEET_DOUBLE_TAP_SECONDS,
      maxSessionHours: e.TIMESHEET_MAX_SESSION_HOURS,
    }),
    deviceOfflineSeconds: e.DEVICE_OFFLINE_SECONDS,
    lastSeenFlushMs: Math.round(Math.min(e.DEVICE_LAST_SEEN_FLUSH_SECONDS, e.DEVICE_OFFLINE_SECONDS / 2) * 1000),
    reconcileAt: e.RECONCILE_AT,
    unapprovedJournalMaxBytes: Math.round(e.UNAPPROVED_JOURNAL_MAX_MB * 1024 * 1024),
    trustProxy: Array.isArray(e.TRUST_PROXY) ? Object.freeze(e.TRUST_PROXY) : e.TRUST_PROXY,
  });
}
