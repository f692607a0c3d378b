// Loads the protocol fixtures from ../shared/fixtures (format: shared/protocol.md §13).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
/**
 * The team's fixtures in ../shared/fixtures beside the repository (CI lays them there); a clone on its own
 * uses the copy in test/fixtures/protocol, refreshed from shared/ when it changes.
 */
const SHARED_FIXTURES = path.resolve(here, '../../../shared/fixtures');
export const FIXTURES_DIR = existsSync(SHARED_FIXTURES) ? SHARED_FIXTURES : path.resolve(here, '../fixtures/protocol');

export interface FixturePunch {
  pin: string;
  time: string;
  status?: number;
  verify?: number;
  utc?: string;
}

export interface Fixture {
  name: string;
  description: string;
  method: string;
  path: string;
  url: string;
  query: Record<string, string>;
  http_version: string;
  headers: Record<string, string>;
  body?: string;
  body_base64?: string;
  context: {
    sn_approved: boolean;
    device_timezone: string;
    now_utc: string;
    stored_stamps?: Record<string, string>;
    existing_punches?: FixturePunch[];
    queued_commands?: { id: string; command: string }[];
    issued_commands?: { id: string; command: string }[];
    handshake_language?: string;
    profile?: string;
  };
  expect: {
    status: number;
    reply_exact?: string;
    reply_starts_with?: string;
    reply_line_patterns?: string[];
    reply_must_not_start_with?: string;
    content_type_starts_with?: string;
    reply_headers_present?: string[];
    reply_headers_absent?: string[];
    reply_headers_equal?: Record<string, string>;
    punches?: FixturePunch[];
    new_rows?: number;
    rejected_lines?: string[];
    stamps_after?: Record<string, string>;
    users?: { pin: string; name: string; privilege: number; card: string }[];
    command_results?: { id: string; return: number; cmd: string }[];
    unknown_result_ids?: string[];
    commands_marked_sent?: string[];
    info_fields?: string[];
    info_options?: Record<string, string>;
    options?: Record<string, string>;
    optional?: boolean;
  };
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(FIXTURES_DIR, f), 'utf8')) as Fixture);
}

export function fixtureBody(f: Fixture): Buffer {
  if (f.body_base64 !== undefined) return Buffer.from(f.body_base64, 'base64');
  return Buffer.from(f.body ?? '', 'utf8');
}

export const fixtureSn = (f: Fixture) => f.query.SN ?? f.query.sn ?? '';
