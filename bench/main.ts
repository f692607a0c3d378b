// `npm run bench`: every section beside its baseline, a table on stdout, bench/results.json on disk.
// BENCH_SCALE=0.1 shrinks every count for a quick smoke run; DATABASE_URL benches real Postgres.
// BENCH_LOAD_SECONDS (20) and BENCH_LOAD_CLOCKS (500,1000,2000,5000) set the load section; 60 is issue 14's length.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadSettings } from './load.ts';
import { tableOf } from './report.ts';
import { runBench } from './run.ts';
import { benchScale } from './setup.ts';

const results = await runBench(benchScale(), { load: loadSettings(process.env), databaseUrl: process.env.DATABASE_URL });
const file = fileURLToPath(new URL('./results.json', import.meta.url));
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`${tableOf(results)}\n\nwritten to bench/results.json`);
