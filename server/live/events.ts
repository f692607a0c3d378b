// The live feed's one typed interface: what the server sends the page and what the page may ask.
// Imported by the server (socket.io generics) and by web/live.js through JSDoc, so both sides agree.

export interface LivePunch {
  /** Database id (a bigint as a string); the page deduplicates on it. */
  id: string;
  deviceSn: string;
  /** The device's name when it has one, else its serial. */
  device: string;
  pin: string;
  /** The employee's name, or null when the clock only knows the PIN. */
  name: string | null;
  /** Device-local wall time "YYYY-MM-DD HH:MM:SS": the shop's time, as the clock showed it. */
  localTime: string;
  /** UTC instant, ISO 8601; the page sorts on it. */
  instant: string;
  punchType: 'in' | 'out' | 'unknown';
  /** How the employee was identified ("fingerprint", "card", …), from the verify code. */
  verifyLabel: string;
  source: string;
  /** When the receiver got it, ISO 8601; the catch-up cursor. */
  receivedAt: string;
}

export interface LiveDevice {
  sn: string;
  name: string | null;
  state: string;
  /** Last contact, ISO 8601; the page recomputes "online" from it as time passes. */
  lastSeen: string | null;
  online: boolean;
  /** How far the clock's own time is off (+ ahead), from real-time punches; null until measured. */
  driftSeconds: number | null;
  /** The pseudo-device that API punches without a clock are filed under: not a clock, never offline. */
  pseudo: boolean;
  /** The clock shows another UTC offset than its zone's: its times are read wrong until its zone is set. */
  zoneMismatch: boolean;
  /** UTC offset the clock shows (`+01:00`), from real-time punches; null until measured. */
  observedOffset: string | null;
}

/** Today's punches as the live page first shows them (server/live/first-load.ts reads them in one query). */
export interface FirstLoad {
  /** Today's newest punches, newest first: one page (older ones: `GET …/live/data?before=<instant>_<id>`). */
  punches: LivePunch[];
  /** Older punches than the page holds exist: the page asks for them with `before`. */
  more: boolean;
  /** Today's punch count (not voided), when this was read. */
  total: number;
  /** Highest punch id of the day when this was read (a punch above it is new to `total`); null with none. */
  maxId: string | null;
  /** Employees whose last punch today is an "in": that punch. */
  present: LivePunch[];
  /** Each employee's last punch instant today (ISO), in or out: a late upload of an older punch changes nothing. */
  lastAt: Record<string, string>;
}

/** What the live page gets on connecting: the day's first load and the clocks. */
export interface LiveSnapshot extends FirstLoad {
  /** The shop's day shown, "YYYY-MM-DD" in DEVICE_TIMEZONE. */
  day: string;
  zone: string;
  /** A device counts as online when seen within this many milliseconds. */
  onlineWindowMs: number;
  devices: LiveDevice[];
  /** Who the page is showing it to. */
  viewer: { subject: string; role: string };
}

/** An older page of today's punches, newest first. */
export interface PunchPage {
  punches: LivePunch[];
  more: boolean;
}

/** What the page last saw; the server answers with everything after it (the page drops doubles by id). */
export interface CatchUpCursor {
  afterId: string | null;
  /** receivedAt of the newest punch seen: rows committed out of id order are still replayed. */
  since: string | null;
}

export interface ServerToClientEvents {
  /** Punches just committed, from any receiver process. */
  punches: (punches: LivePunch[]) => void;
  /** A device was created, approved, rejected or renamed. */
  device: (device: LiveDevice) => void;
  /** Employees changed (names may differ now). */
  employees: (changes: { pin: string; name: string | null }[]) => void;
  /** Punches voided by an admin (ids): the page drops them, so they leave "who is in" too. */
  voided: (ids: string[]) => void;
}

export interface ClientToServerEvents {
  /** After a (re)connect: today's punches the page may have missed. */
  catchUp: (cursor: CatchUpCursor, reply: (punches: LivePunch[]) => void) => void;
  /** Heartbeats move "last seen" without an event; the page asks now and then. */
  devices: (reply: (devices: LiveDevice[]) => void) => void;
}

export interface SocketData {
  subject: string;
  role: string;
  /** When the credentials expire (ms since epoch); null for an API token. */
  expiresAt: number | null;
}
