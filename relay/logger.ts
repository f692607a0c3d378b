// One log line per event on stdout (pretty at a terminal, JSON otherwise). The token never appears: it is
// not logged, and redaction covers slips.
import pino, { type Logger } from 'pino';
import { logDestination } from '../server/log.ts';

export function createRelayLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  return pino(
    {
      level,
      base: { svc: 'relay' },
      redact: {
        paths: ['token', 'authorization', '*.authorization', '*.headers.authorization', 'config.token'],
        censor: '[redacted]',
      },
    },
    logDestination(options) ?? pino.destination(1),
  );
}
