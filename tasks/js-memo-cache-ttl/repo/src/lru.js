/**
 * Least-recently-used cache with an optional time-to-live.
 *
 * A Map keeps insertion order, so re-inserting a key on access moves it to the "newest" end and the
 * first key is always the least recently used.
 */
import { systemClock } from "./clock.js";
import { parseDuration } from "./duration.js";
import { CacheStats } from "./stats.js";

export class LruCache {
  /**
   * @param {object} [options]
   * @param {number} [options.maxEntries] capacity (default 1000)
   * @param {number|string} [options.ttl] time-to-live, see parseDuration; absent = never expires
   * @param {{now(): number}} [options.clock]
   * @param {(key: unknown, value: unknown, reason: "evict"|"expire"|"delete") => void} [options.onRemove]
   */
  constructor(options = {}) {
    const { maxEntries = 1000, ttl, clock = systemClock, onRemove } = options;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError("maxEntries must be a positive integer");
    }
    this.maxEntries = maxEntries;
    this.ttlMs = ttl === undefined ? Infinity : parseDuration(ttl);
    this.now = clock.now;
    this.onRemove = onRemove;
    this.stats = new CacheStats();
    this.entries = new Map();
  }

  get size() {
    return this.entries.size;
  }

  #isExpired(entry) {
    return entry.expiresAt <= this.now();
  }

  #remove(key, entry, reason) {
    this.entries.delete(key);
    if (this.onRemove) {
      this.onRemove(key, entry.value, reason);
    }
  }

  /** Value for key, or undefined. Counts a hit or a miss. */
  get(key) {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.stats.recordMiss();
      return undefined;
    }
    if (this.#isExpired(entry)) {
      this.#remove(key, entry, "expire");
      this.stats.recordExpiration();
      this.stats.recordMiss();
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.stats.recordHit();
    return entry.value;
  }

  /** True when key is present and fresh. Does not count as a lookup or refresh recency. */
  has(key) {
    const entry = this.entries.get(key);
    return entry !== undefined && !this.#isExpired(entry);
  }

  set(key, value) {
    if (this.entries.has(key)) {
      this.entries.delete(key);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value;
      this.#remove(oldestKey, oldest, "evict");
      this.stats.recordEviction();
    }
    return this;
  }

  delete(key) {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      return false;
    }
    this.#remove(key, entry, "delete");
    return true;
  }

  /** Drop every expired entry now; returns how many were dropped. */
  prune() {
    let dropped = 0;
    for (const [key, entry] of [...this.entries]) {
      if (this.#isExpired(entry)) {
        this.#remove(key, entry, "expire");
        this.stats.recordExpiration();
        dropped += 1;
      }
    }
    return dropped;
  }

  clear() {
    this.entries.clear();
  }

  /** Keys from least to most recently used (expired ones included until pruned). */
  keys() {
    return [...this.entries.keys()];
  }
}
