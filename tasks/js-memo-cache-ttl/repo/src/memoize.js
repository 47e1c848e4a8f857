/**
 * memoize(fn, options): cache a function's results in an LruCache.
 */
import { LruCache } from "./lru.js";
import { defaultKey } from "./keys.js";
import { parseDuration } from "./duration.js";

/**
 * @template {(...args: any[]) => any} F
 * @param {F} fn
 * @param {object} [options]
 * @param {number|string} [options.ttl] how long a result stays valid
 * @param {number} [options.maxEntries]
 * @param {(args: unknown[]) => string} [options.key] cache key for an argument list
 * @param {{now(): number}} [options.clock]
 * @returns {F & {cache: LruCache, stats: import("./stats.js").CacheStats, clear(): void}}
 */
export function memoize(fn, options = {}) {
  if (typeof fn !== "function") {
    throw new TypeError("memoize() expects a function");
  }
  const keyOf = options.key ?? defaultKey;
  // LruCache takes its ttl in seconds.
  const ttl = options.ttl === undefined ? undefined : parseDuration(options.ttl) / 1000;
  const cache = new LruCache({ maxEntries: options.maxEntries, ttl, clock: options.clock });

  function memoized(...args) {
    const key = keyOf(args);
    if (cache.has(key)) {
      return cache.get(key);
    }
    cache.stats.recordMiss();
    const result = fn.apply(this, args);
    if (result && typeof result.then === "function") {
      // Do not keep rejected promises: the next call should try again.
      result.then(undefined, () => {
        cache.delete(key);
      });
    }
    cache.set(key, result);
    return result;
  }

  memoized.cache = cache;
  memoized.stats = cache.stats;
  memoized.clear = () => cache.clear();
  return memoized;
}
