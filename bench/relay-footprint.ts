// Issue 13 item 8 / issue 14 item 2: the relay's memory at rest, as production runs it (compiled JavaScript,
// plain node) beside the sources run through tsx (what `npm run relay` did before), in the same run.
import { rssMb } from './child.ts';
import { spawnRelay } from './relay-process.ts';
import { BENCH_TOKEN, freePort, sleep } from './setup.ts';

export interface RelayFootprintResult {
  /** RSS (MB) of the relay process after `settleMs` at rest, receiver away. */
  compiledMb: number | null;
  tsxMb: number | null;
  settleMs: number;
}

async function idleRss(runtime: 'compiled' | 'tsx', settleMs: number): Promise<number | null> {
  const relay = await spawnRelay({ upstream: `http://127.0.0.1:${await freePort()}`, token: BENCH_TOKEN, port: await freePort(), runtime });
  try {
    await sleep(settleMs);
    return await rssMb(relay.pid);
  } finally {
    await relay.close();
  }
}

export async function benchRelayFootprint(settleMs = 5_000): Promise<RelayFootprintResult> {
  const compiledMb = await idleRss('compiled', settleMs);
  const tsxMb = await idleRss('tsx', settleMs);
  return { compiledMb, tsxMb, settleMs };
}
