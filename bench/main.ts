// `npm run bench`: every section beside its baseline, a table on stdout, bench/results.json on disk.
// BENCH_SCALE=0.1 shrinks every count for a quick smoke run; DATABASE_URL benches real Postgres.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tableOf } from './report.ts';
import { runBench } from './run.ts';
import { benchScale } from './setup.ts';

const results = await runBench(benchScale());
const file = fileURLToPath(new URL('./results.json', import.meta.url));
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`${tableOf(results)}\n\nwritten to bench/results.json`);
