// Counts the statements a receiver sends to its database while it answers HTTP requests: a Prisma query
// extension on the receiver's own client, and the request's async context to tell them from timers' work.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, Db } from '../../server/db/open.ts';
import type { TestReceiver } from './receiver.ts';

export interface StatementLog {
  /** `model.operation` of each statement made while a request was answered, since the last clear. */
  statements: string[];
  /** For startTestReceiver's wrapDatabase. */
  wrap(database: Database): Database;
  /** Call once the receiver runs: marks each of its requests. */
  watch(t: TestReceiver): void;
}

export function statementLog(): StatementLog {
  const inRequest = new AsyncLocalStorage<true>();
  const statements: string[] = [];
  return {
    statements,
    wrap: (database) => ({
      ...database,
      prisma: database.prisma.$extends({
        query: {
          async $allOperations({ model, operation, args, query }) {
            if (inRequest.getStore()) statements.push(`${model ?? 'raw'}.${operation}`);
            return query(args);
          },
        },
      }) as unknown as Db,
    }),
    // The first 'request' listener runs before Express, in the same tick: the request's work inherits the mark.
    watch: (t) => void t.receiver.server.prependListener('request', () => inRequest.enterWith(true)),
  };
}
