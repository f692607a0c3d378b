// Which clocks this relay speaks for. A clock's serial is its only credential, and the relay's token makes
// the receiver trust what it forwards, so the relay forwards only the serials it is set to: RELAY_SERIALS,
// or else the pins file in RELAY_DATA_DIR, filled with the serials seen during a short learning window
// after the first one, and edited by hand afterwards (re-read when it changes, no restart needed).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

export const PINS_FILE = 'serials.txt';

/** Refused serials remembered for /relay/status; past this many, new ones are only counted (a flood). */
const REFUSED_KEPT = 50;

export interface RefusedSerial {
  sn: string;
  address: string;
  first_seen: string;
  last_seen: string;
  requests: number;
}

export interface SerialGateOptions {
  /** RELAY_SERIALS; null when unset (pinning). */
  configured: readonly string[] | null;
  dataDir: string;
  /** How long after the first serial other new serials are still pinned (0: only the first). */
  learnMs: number;
  log: Logger;
}

const LEARNING_LINE = /^#\s*learning new serials until (\S+)/;

export class SerialGate {
  private readonly file: string;
  private pins = new Set<string>();
  private learningUntil: number | null = null;
  private fileStamp = '';
  private readonly refused = new Map<string, RefusedSerial>();
  private refusedOthers = 0;

  constructor(private readonly options: SerialGateOptions) {
    this.file = path.join(options.dataDir, PINS_FILE);
    if (options.configured) this.pins = new Set(options.configured);
    else this.reload();
  }

  get source(): 'RELAY_SERIALS' | 'pinned' {
    return this.options.configured ? 'RELAY_SERIALS' : 'pinned';
  }

  /** The serials this relay forwards (sent to the receiver with each request: its token vouches only for these). */
  list(): string[] {
    return [...this.pins].sort();
  }

  /** True when requests of this serial may be forwarded; pins it while learning; notes a refusal otherwise. */
  admits(sn: string, address: string, now: Date): boolean {
    if (this.pins.has(sn)) return true;
    if (!this.options.configured) {
      this.reload();
      if (this.pins.has(sn)) return true;
      if (sn && this.stillLearning(now)) {
        this.pin(sn, now);
        return true;
      }
    }
    this.noteRefused(sn, address, now);
    return false;
  }

  status() {
    return {
      source: this.source,
      forwarded: this.list(),
      pins_file: this.options.configured ? null : this.file,
      learning_until: this.options.configured || this.learningUntil === null ? null : new Date(this.learningUntil).toISOString(),
      refused: [...this.refused.values()],
      refused_other_serials: this.refusedOthers,
    };
  }

  private stillLearning(now: Date): boolean {
    if (this.learningUntil === null) return true; // the very first serial
    return now.getTime() < this.learningUntil;
  }

  private pin(sn: string, now: Date): void {
    if (this.learningUntil === null) this.learningUntil = now.getTime() + this.options.learnMs;
    this.pins.add(sn);
    this.options.log.info({ sn, learning_until: new Date(this.learningUntil).toISOString(), pins_file: this.file }, 'new serial pinned: this relay forwards it from now on');
    try {
      this.write();
    } catch (err) {
      // Forwarded for this run anyway; the next start pins it again if it comes first.
      this.options.log.error({ err, sn }, 'could not save the pinned serials');
    }
  }

  private noteRefused(sn: string, address: string, now: Date): void {
    const at = now.toISOString();
    const known = this.refused.get(sn);
    if (known) {
      known.last_seen = at;
      known.address = address;
      known.requests++;
      return;
    }
    if (this.refused.size >= REFUSED_KEPT) {
      this.refusedOthers++;
      return;
    }
    this.refused.set(sn, { sn, address, first_seen: at, last_seen: at, requests: 1 });
    const how = this.options.configured ? 'add it to RELAY_SERIALS and restart' : `add it as a line of ${this.file}`;
    this.options.log.warn({ sn, address }, `request from a serial this relay does not forward, refused (to forward it, ${how})`);
  }

  private write(): void {
    const lines = [
      '# Serials of the clocks this relay forwards, one per line. Add a line to forward another clock',
      '# (read again on its next request); delete a line to stop forwarding one.',
      ...(this.learningUntil === null ? [] : [`# learning new serials until ${new Date(this.learningUntil).toISOString()}`]),
      ...this.list(),
      '',
    ];
    fs.mkdirSync(this.options.dataDir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, lines.join('\n'));
    fs.renameSync(tmp, this.file);
    this.fileStamp = this.stampOf();
  }

  private stampOf(): string {
    try {
      const stat = fs.statSync(this.file);
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return '';
    }
  }

  /** Reads the pins file again when it changed (an admin added or removed a serial). */
  private reload(): void {
    const stamp = this.stampOf();
    if (stamp === this.fileStamp) return;
    this.fileStamp = stamp;
    let text = '';
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    const pins = new Set<string>();
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      const learning = LEARNING_LINE.exec(line);
      if (learning) this.learningUntil = Date.parse(learning[1]!) || 0;
      if (line && !line.startsWith('#')) pins.add(line);
    }
    // A file written by hand without the window line: the learning is over.
    if (this.learningUntil === null && pins.size > 0) this.learningUntil = 0;
    this.pins = pins;
    for (const sn of pins) this.refused.delete(sn);
  }
}
