// Time is a dependency so tests can pin it (fixtures inject `now_utc`).
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let at = new Date(iso);
  return {
    now: () => new Date(at),
    set(next) {
      at = new Date(next);
    },
  };
}
