/**
 * Clocks give the current time in milliseconds. Caches never call Date.now() directly so tests can
 * control time.
 */

export const systemClock = Object.freeze({
  now() {
    return Date.now();
  },
});

/** A clock that only moves when told to. */
export class ManualClock {
  /** @param {number} [start] */
  constructor(start = 0) {
    this.current = start;
  }

  now() {
    return this.current;
  }

  /** @param {number} ms */
  advance(ms) {
    if (ms < 0) {
      throw new RangeError("a clock cannot go backwards");
    }
    this.current += ms;
    return this.current;
  }
}

/** @param {number} [start] */
export function manualClock(start = 0) {
  return new ManualClock(start);
}
