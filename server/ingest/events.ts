// The one place ingest announces committed data. The live feed (socket.io) listens here, whatever the
// path a punch came by (clock, relay, API).
import { EventEmitter } from 'node:events';

export interface PunchEvent {
  id: string;
  deviceSn: string;
  pin: string;
  /** Device-local "YYYY-MM-DD HH:MM:SS" as the clock showed it. */
  localTime: string;
  /** UTC instant, ISO 8601. */
  instant: string;
  punchType: 'in' | 'out' | 'unknown';
  status: number | null;
  verify: number | null;
  source: string;
  receivedAt: string;
}

export interface DeviceEvent {
  sn: string;
  state: string;
  lastSeenAt: string | null;
}

export interface IngestEvents {
  punches: [PunchEvent[]];
  device: [DeviceEvent];
  employees: [{ pins: string[] }];
  /** Punches voided by a correction: they leave the live page's list and "who is in". */
  voided: [{ ids: string[]; pins: string[] }];
}

export class IngestBus extends EventEmitter<IngestEvents> {}
