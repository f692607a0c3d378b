// pino with secrets redacted at the source: tokens, passwords and cookies never reach a log line.
// Every line written while a request is handled carries its `reqId` (see http/request-id.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** The fields every log line of the current request carries; set by the request-id middleware. */
export const logContext = new AsyncLocalStorage<{ reqId: string }>();

export interface LogOptions {
  /** Colour, one line per event, local time: for a person at a terminal. Else one JSON object per line. */
  pretty?: boolean;
  /** Somewhere else than stdout (tests read the lines). */
  destination?: DestinationStream;
}

/** Where log lines go: pretty text for a terminal, JSON for files and log collectors. */
export function logDestination(options: LogOptions): DestinationStream | undefined {
  if (!options.pretty) return undefined;
  return pretty({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
}

export function createLogger(level: string, options: LogOptions & { name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'receiver',
      level,
      mixin: () => logContext.getStore() ?? {},
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'password', 'token', '*.password', '*.token'],
        censor: '[redacted]',
      },
    },
    options.destination ?? logDestination(options) ?? pino.destination(1),
  );
}
