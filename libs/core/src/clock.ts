import { readFileSync, writeFileSync } from 'node:fs';

/** The clock is passed in everywhere so tests can move time (STYLE.md). */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The service clock: the system clock, or, when `LMA_CLOCK_FILE` names a file (tests and demos
 * only; refused when NODE_ENV=production), the system clock shifted by the milliseconds written
 * in that file (re-read at most every 50 ms). Tests move a running service's time by writing the
 * file, instead of sleeping.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const file = env['LMA_CLOCK_FILE'];
  if (!file) return systemClock;
  if (env['NODE_ENV'] === 'production') throw new Error('LMA_CLOCK_FILE must not be set in production');
  let offset = 0;
  let readAt = 0;
  return {
    now: () => {
      const t = Date.now();
      if (t - readAt >= 50) {
        readAt = t;
        try {
          const v = Number(readFileSync(file, 'utf8').trim());
          offset = Number.isFinite(v) ? v : 0;
        } catch {
          offset = 0;
        }
      }
      return new Date(t + offset);
    },
  };
}

/** Writes a clock offset for services started with `LMA_CLOCK_FILE` (tests). */
export function setClockOffset(file: string, offsetMs: number): void {
  writeFileSync(file, String(Math.round(offsetMs)));
}
