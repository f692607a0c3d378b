// The page's JavaScript is type-checked against the server's event types (web/tsconfig.json), so a
// change to server/live/events.ts that the page does not follow fails here, not in a shop.
// One TypeScript program, in this process, does both checks (two tsc processes cost 8 s of CPU).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const web = path.resolve('web');
const parsed = ts.getParsedCommandLineOfConfigFile(path.join(web, 'tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
})!;
// As web/tsconfig.json says, plus declarations (emitted to memory) for the second check. Its diagnostics are
// those `tsc -p web` reports: a declaration's own diagnostics are not asked for.
const program = ts.createProgram({
  rootNames: parsed.fileNames,
  options: { ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: path.join(web, 'out') },
  configFileParsingDiagnostics: parsed.errors,
});
const formatHost: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };

it('web/live.js and web/live-state.js agree with the typed events', () => {
  expect(parsed.fileNames.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['live.js', 'live-state.js']));
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ];
  expect(ts.formatDiagnostics(diagnostics, formatHost)).toBe('');
});

it('web/live-state.d.ts (for the tests) is what live-state.js declares', async () => {
  let generated: string | undefined;
  const source = program.getSourceFile(path.join(web, 'live-state.js'));
  expect(source).toBeDefined();
  const result = program.emit(source, (name, text) => {
    if (path.basename(name) === 'live-state.d.ts') generated = text;
  }, undefined, true);
  expect(ts.formatDiagnostics(result.diagnostics, formatHost)).toBe('');
  const kept = (await readFile(path.join(web, 'live-state.d.ts'), 'utf8')).split('\n').slice(2).join('\n');
  expect(kept).toBe(generated);
});
