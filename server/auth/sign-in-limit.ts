// Password guessing: 10 failed sign-ins per 15 minutes per username and per address, then 429 until the
// window ends (rate-limiter-flexible, in memory: each receiver counts the attempts it sees).
import { RateLimiterMemory } from 'rate-limiter-flexible';

export const MAX_FAILURES = 10;
export const WINDOW_SECONDS = 15 * 60;

export interface Blocked {
  retryAfterSeconds: number;
  message: string;
}

export class SignInLimit {
  private readonly byUser = new RateLimiterMemory({ keyPrefix: 'user', points: MAX_FAILURES, duration: WINDOW_SECONDS });
  private readonly byAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: MAX_FAILURES, duration: WINDOW_SECONDS });

  /** Undefined while attempts are allowed; else how long to wait. Checked before the password is. */
  async blocked(username: string, address: string): Promise<Blocked | undefined> {
    const [user, addr] = await Promise.all([this.byUser.get(username.toLowerCase()), this.byAddress.get(address)]);
    const waits = [user, addr].filter((r) => r !== null && r.consumedPoints >= MAX_FAILURES).map((r) => r!.msBeforeNext);
    if (waits.length === 0) return undefined;
    const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(...waits) / 1000));
    const minutes = Math.ceil(retryAfterSeconds / 60);
    return {
      retryAfterSeconds,
      message: `Too many failed sign-ins (${MAX_FAILURES} in ${WINDOW_SECONDS / 60} minutes). Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    };
  }

  async failed(username: string, address: string): Promise<void> {
    await Promise.all([this.byUser.penalty(username.toLowerCase()), this.byAddress.penalty(address)]);
  }
}
