// What other writers changed: Postgres NOTIFY from the triggers of migration 20261203100000 (a device row
// changed, a command queued), heard on a connection of its own. Caches (device rows, which clocks have
// commands) are trusted only while this feed is live: while it connects or after it lost its connection
// a change may have been missed, so every listener forgets what it holds and reads the database again.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Logger } from 'pino';

export const DEVICE_CHANNEL = 'zk_device_changed';
export const COMMAND_CHANNEL = 'zk_command_queued';
/** This receiver's own marks: once one comes back, every change committed before it was heard. */
const SYNC_CHANNEL = 'zk_changes_sync';

export interface ChangeListener {
  deviceChanged(sn: string): void;
  commandQueued(sn: string): void;
  /** Changes may have been missed: forget everything cached. */
  changesMissed(): void;
}

/** Where the notifications come from: a Postgres server (URL) or the embedded database itself. */
export type ChangeSource = { kind: 'postgres'; connectionString: string } | { kind: 'embedded'; lite: PGlite };

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

export class ChangeFeed {
  private readonly listeners: ChangeListener[] = [];
  private client: pg.Client | undefined;
  private stopEmbedded: (() => Promise<void>) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private delayMs = RECONNECT_MIN_MS;
  private readonly marks = new Map<string, () => void>();
  private markCount = 0;
  /** True while every change made by anyone reaches the listeners. */
  live = false;

  constructor(
    private readonly source: ChangeSource | undefined,
    private readonly log: Logger,
  ) {}

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Starts listening; resolves once live (or, on real Postgres, once the first attempt failed and a retry is set). */
  async start(): Promise<void> {
    if (!this.source) return;
    if (this.source.kind === 'embedded') {
      const lite = this.source.lite;
      const offDevice = await lite.listen(DEVICE_CHANNEL, (sn) => this.each((l) => l.deviceChanged(sn)));
      const offCommand = await lite.listen(COMMAND_CHANNEL, (sn) => this.each((l) => l.commandQueued(sn)));
      const offSync = await lite.listen(SYNC_CHANNEL, (mark) => this.marked(mark));
      this.stopEmbedded = async () => {
        await offDevice();
        await offCommand();
        await offSync();
      };
      this.goLive();
      return;
    }
    await this.connect(this.source.connectionString);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    clearTimeout(this.retry);
    await this.stopEmbedded?.().catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(connectionString: string): Promise<void> {
    const client = new pg.Client({ connectionString });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.wentDown(err?.message ?? 'connection ended');
      void client.end().catch(() => {});
      if (!this.closed) this.retry = setTimeout(() => void this.connect(connectionString), this.delayMs);
      this.delayMs = Math.min(this.delayMs * 2, RECONNECT_MAX_MS);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => {
      const sn = n.payload ?? '';
      if (n.channel === DEVICE_CHANNEL) this.each((l) => l.deviceChanged(sn));
      else if (n.channel === COMMAND_CHANNEL) this.each((l) => l.commandQueued(sn));
      else if (n.channel === SYNC_CHANNEL) this.marked(sn);
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${DEVICE_CHANNEL}; LISTEN ${COMMAND_CHANNEL}; LISTEN ${SYNC_CHANNEL}`);
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (this.closed) return void client.end().catch(() => {});
    this.delayMs = RECONNECT_MIN_MS;
    this.goLive();
  }

  /**
   * Resolves once every change committed before this call has reached the listeners (notifications come
   * in commit order: our own mark, sent now, comes after them). Immediate while not live (caches are off).
   */
  async caughtUp(): Promise<void> {
    if (!this.live || !this.source) return;
    const mark = `${process.pid}-${++this.markCount}`;
    const heard = new Promise<void>((resolve) => this.marks.set(mark, resolve));
    const sql = `SELECT pg_notify('${SYNC_CHANNEL}', '${mark}')`;
    if (this.source.kind === 'embedded') await this.source.lite.query(sql);
    else if (this.client) await this.client.query(sql);
    else return void this.marks.delete(mark);
    await heard;
  }

  private marked(mark: string): void {
    this.marks.get(mark)?.();
    this.marks.delete(mark);
  }

  private goLive(): void {
    // Whatever was cached before this moment may predate a change nobody heard.
    this.each((l) => l.changesMissed());
    this.live = true;
  }

  private wentDown(reason: string): void {
    for (const resolve of this.marks.values()) resolve();
    this.marks.clear();
    if (this.live) this.log.warn({ reason }, 'change notifications lost; caches off until reconnected');
    this.live = false;
    this.each((l) => l.changesMissed());
  }

  private each(fn: (l: ChangeListener) => void): void {
    for (const l of this.listeners) fn(l);
  }
}
