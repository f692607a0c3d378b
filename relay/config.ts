// Relay settings: read once from the environment, validated, frozen. Nothing else in relay/ reads process.env.
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, parseSettings, portSetting } from '../server/settings.ts';
import { defaultRelayName } from './heartbeat.ts';

const schema = z.object({
  RELAY_UPSTREAM: z
    .string({ error: 'is required (the receiver base URL, e.g. https://erp.example.com)' })
    .url('must be a URL such as https://erp.example.com')
    .refine((value) => /^https?:\/\//i.test(value), 'must start with http:// or https://'),
  RELAY_TOKEN: z.string({ error: 'is required (a Bearer token of the receiver)' }).trim().min(1, 'must not be empty'),
  RELAY_DATA_DIR: z.string().min(1).default('./relay-data'),
  RELAY_PORT: portSetting(8090),
  RELAY_HOST: z.string().min(1).default('0.0.0.0'),
  RELAY_QUEUE_MAX_MB: z.coerce.number().positive().default(1024),
  RELAY_NAME: z.string().trim().min(1).max(100).regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters').optional(),
  RELAY_REPORT_SECONDS: z.coerce.number().int('must be a whole number of seconds').min(5, 'must be at least 5 seconds').max(3600).default(30),
  RELAY_SERIALS: z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean))
    .refine((list) => list.every((sn) => /^[\x21-\x7e]{1,64}$/.test(sn)), 'must be serials separated by commas'),
  RELAY_LEARN_MINUTES: z.coerce.number().min(0).max(7 * 24 * 60).default(10),
  RELAY_MERGE_LINES: z.coerce.number().int('must be a whole number of lines').min(1, 'must be at least 1 (1: never merge)').max(10_000).default(1000),
  RELAY_STATUS_LOOPBACK_ONLY: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default('true')
    .transform((value) => ['true', '1', 'yes'].includes(value)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ForwardingSettings {
  /** Uploads of one clock that may be in flight at once (ATTLOG runs only; other tables go one by one). */
  window: number;
  /** Upstream time limit for a queued upload. */
  timeoutMs: number;
  /** Upstream time limit for a live handshake or getrequest, after which the relay answers on its own. */
  liveTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** While backing off for longer than this, the relay asks `GET /healthz` this often and resumes at once. */
  probeMs: number;
  /** A backlog of one clock's ATTLOG uploads goes as one request of up to this many lines (1: never merged). */
  mergeLines: number;
  /** ...and of at most this many body bytes. */
  mergeMaxBytes: number;
  /** Only uploads that reached the relay within this span of each other are merged (their arrival time is one). */
  mergeSpreadMs: number;
}

/** What the relay holds in memory for clocks' uploads while reading them (before they reach the disk). */
export interface IntakeSettings {
  /** Largest upload body (a photo batch is up to 10 MB). */
  maxBodyBytes: number;
  /** Uploads read at once; more are answered 503 at once (the clock retries). */
  maxConcurrent: number;
  /** Declared body bytes of the uploads being read at once; past it, 503. */
  maxMemoryBytes: number;
}

export interface RelayConfig {
  host: string;
  port: number;
  /** The receiver's base URL (no trailing slash). */
  upstream: string;
  token: string;
  dataDir: string;
  queueMaxBytes: number;
  logLevel: string;
  /** How the relay names itself in its reports to the receiver, and how often it reports. */
  name: string;
  reportSeconds: number;
  forwarding: Readonly<ForwardingSettings>;
  /** RELAY_SERIALS; null when unset (the first serials seen are pinned). */
  serials: readonly string[] | null;
  learnMs: number;
  /** /relay/status answers only requests from this machine. */
  statusLoopbackOnly: boolean;
  intake: Readonly<IntakeSettings>;
}

export const DEFAULT_FORWARDING: Readonly<ForwardingSettings> = Object.freeze({
  window: 8,
  timeoutMs: 30_000,
  liveTimeoutMs: 3_000,
  backoffBaseMs: 250,
  backoffMaxMs: 60_000,
  probeMs: 3_000,
  mergeLines: 1000,
  mergeMaxBytes: 1024 * 1024,
  mergeSpreadMs: 2_000,
});

export const DEFAULT_INTAKE: Readonly<IntakeSettings> = Object.freeze({
  maxBodyBytes: 20 * 1024 * 1024,
  maxConcurrent: 8,
  maxMemoryBytes: 64 * 1024 * 1024,
});

export { ConfigError };

/** Reads the relay's settings; throws one ConfigError line naming the first wrong setting. */
export function readRelayConfig(env: NodeJS.ProcessEnv): Readonly<RelayConfig> {
  const e = parseSettings(schema, env);
  return Object.freeze({
    host: e.RELAY_HOST,
    port: e.RELAY_PORT,
    upstream: e.RELAY_UPSTREAM.replace(/\/+$/, ''),
    token: e.RELAY_TOKEN,
    dataDir: path.resolve(e.RELAY_DATA_DIR),
    queueMaxBytes: Math.round(e.RELAY_QUEUE_MAX_MB * 1024 * 1024),
    logLevel: e.LOG_LEVEL,
    name: e.RELAY_NAME ?? defaultRelayName(),
    reportSeconds: e.RELAY_REPORT_SECONDS,
    forwarding: Object.freeze({ ...DEFAULT_FORWARDING, mergeLines: e.RELAY_MERGE_LINES }),
    serials: e.RELAY_SERIALS.length > 0 ? Object.freeze(e.RELAY_SERIALS) : null,
    learnMs: Math.round(e.RELAY_LEARN_MINUTES * 60_000),
    statusLoopbackOnly: e.RELAY_STATUS_LOOPBACK_ONLY,
    intake: DEFAULT_INTAKE,
  });
}
