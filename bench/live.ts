// Issue 5: device POST → socket event latency. The measurement lives in bench/live-latency.ts (its own
// owner); this section runs it when that file is there and says "skipped" when it is not.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface LiveLatency {
  p50: number;
  p99: number;
  n: number;
  /** The database the receiver ran on (real Postgres with DATABASE_URL). */
  database?: string;
}

export type LiveResult = LiveLatency | { skipped: string };

type Measure = (options: { punches: number }) => Promise<LiveLatency>;

export async function benchLive(punches: number, file = fileURLToPath(new URL('./live-latency.ts', import.meta.url))): Promise<LiveResult> {
  if (!existsSync(file)) return { skipped: `${file.split(/[\\/]/).slice(-2).join('/')} is not there yet` };
  // A computed specifier: the file may be absent when this is type-checked.
  const mod = (await import(pathToFileURL(file).href)) as { measureLiveLatency?: Measure };
  if (typeof mod.measureLiveLatency !== 'function') return { skipped: 'bench/live-latency.ts exports no measureLiveLatency' };
  const result = await mod.measureLiveLatency({ punches });
  return { p50: result.p50, p99: result.p99, n: result.n, database: result.database };
}
