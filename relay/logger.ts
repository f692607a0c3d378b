// One pino line per event, on stdout. The token never appears: it is not logged, and redaction covers slips.
import pino, { type Logger } from 'pino';

export function createRelayLogger(level: string): Logger {
  return pino({
    level,
    base: { svc: 'relay' },
    redact: {
      paths: ['token', 'authorization', '*.authorization', '*.headers.authorization', 'config.token'],
      censor: '[redacted]',
    },
  });
}
