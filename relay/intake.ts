// Caps what clocks' uploads may hold in the relay's memory while they are read: a few at once, a bounded
// total. Past either cap the clock is answered 503 before its body is read, and sends it again later.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IntakeSettings } from './config.ts';

export interface IntakeLoad {
  uploads: number;
  bytes: number;
  refused: number;
}

export interface UploadIntake {
  /** Counts the request's body against the caps until its answer is sent; a refusal is the reason to log. */
  admit(req: IncomingMessage, res: ServerResponse): { admitted: true } | { admitted: false; reason: string };
  load: IntakeLoad;
}

export function uploadIntake(settings: Readonly<IntakeSettings>): UploadIntake {
  const load: IntakeLoad = { uploads: 0, bytes: 0, refused: 0 };
  const admit: UploadIntake['admit'] = (req, res) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!chunked && !(length > 0)) return { admitted: true };
    // A body without a length may grow to the largest allowed: count it at that.
    const declared = chunked || !Number.isFinite(length) ? settings.maxBodyBytes : Math.min(length, settings.maxBodyBytes);
    if (load.uploads + 1 > settings.maxConcurrent || load.bytes + declared > settings.maxMemoryBytes) {
      load.refused++;
      return { admitted: false, reason: `too many uploads at once (${load.uploads} being read, ${load.bytes} bytes)` };
    }
    load.uploads++;
    load.bytes += declared;
    res.once('close', () => {
      load.uploads--;
      load.bytes -= declared;
    });
    return { admitted: true };
  };
  return { admit, load };
}
