// The repository's copies of the fixtures and of the seed script (for clones without ../shared) must not
// drift from the team's.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const shared = path.resolve(here, '../../../shared/fixtures');
const copy = path.resolve(here, '../fixtures/protocol');
const json = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe.skipIf(!existsSync(shared))('test/fixtures/protocol', () => {
  it('holds exactly the fixtures of ../shared/fixtures', () => {
    expect(json(copy)).toEqual(json(shared));
    for (const file of json(shared)) expect(readFileSync(path.join(copy, file), 'utf8'), file).toBe(readFileSync(path.join(shared, file), 'utf8'));
  });
});

const sharedSeed = path.resolve(here, '../../../shared/seed/serveur_zkteco.py');
describe.skipIf(!existsSync(sharedSeed))('test/fixtures/seed', () => {
  it('holds ../shared/seed/serveur_zkteco.py unchanged', () => {
    expect(readFileSync(path.resolve(here, '../fixtures/seed/serveur_zkteco.py'), 'utf8')).toBe(readFileSync(sharedSeed, 'utf8'));
  });
});
