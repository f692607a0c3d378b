// Compiles the relay to one JavaScript file, relay/dist/relay.mjs, which production runs with plain `node`
// (no tsx: about 30 MB less memory, and no esbuild service process beside it). Run by `npm install`
// (postinstall) and before every `npm run relay`, so the file always matches the sources. The shared pure
// code the relay imports (server/protocol, server/settings.ts, ...) is compiled in; lmdb (native) stays a
// package beside it.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const result = await build({
  entryPoints: [path.join(here, 'main.ts')],
  outfile: path.join(here, 'dist', 'relay.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['lmdb'],
  // Packages written for require() keep working inside an ES module.
  banner: { js: "import { createRequire as __relayRequire } from 'node:module'; const require = __relayRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // Written below, whole: a relay started while this runs (a test, a second `npm run relay`) reads the old
  // file or the new one, never half of one.
  write: false,
});

// The relay installs alone (`npm install --workspace relay`): every package our own code imports must be one
// of relay/package.json's dependencies, or the shop PC would miss it (or pull the receiver's).
const allowed = new Set(Object.keys(JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8')).dependencies));
const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const strays = new Set();
for (const [file, input] of Object.entries(result.metafile.inputs)) {
  if (file.includes('node_modules')) continue;
  for (const { path: resolved, original, external } of input.imports) {
    const specifier = original ?? (external ? resolved : undefined);
    if (!specifier || specifier.startsWith('.') || specifier.startsWith('node:')) continue;
    if (!allowed.has(packageOf(specifier))) strays.add(`${packageOf(specifier)} (imported by ${file})`);
  }
}
if (strays.size > 0) {
  console.error(`relay/build.mjs: the relay imports packages not in relay/package.json: ${[...strays].join(', ')}`);
  process.exit(1);
}

for (const { path: file, contents } of result.outputFiles) {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, contents);
  renameSync(partial, file);
}
