// pino with secrets redacted at the source: tokens, passwords and cookies never reach a log line.
import pino, { type Logger } from 'pino';

export function createLogger(level: string, name = 'receiver'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'password', 'token', '*.password', '*.token'],
      censor: '[redacted]',
    },
  });
}
