/**
 * Counters describing how well a cache is doing.
 */
export class CacheStats {
  constructor() {
    this.reset();
  }

  reset() {
    this.hits = 0;
    this.misses = 0;
    this.evictions = 0;
    this.expirations = 0;
  }

  recordHit() {
    this.hits += 1;
  }

  recordMiss() {
    this.misses += 1;
  }

  recordEviction() {
    this.evictions += 1;
  }

  recordExpiration() {
    this.expirations += 1;
  }

  /** Fraction of lookups that were hits; 0 when there were none. */
  hitRate() {
    const lookups = this.hits + this.misses;
    return lookups === 0 ? 0 : this.hits / lookups;
  }

  snapshot() {
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      expirations: this.expirations,
      hitRate: this.hitRate(),
    };
  }
}
