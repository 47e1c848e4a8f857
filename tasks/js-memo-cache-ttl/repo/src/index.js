export { ManualClock, manualClock, systemClock } from "./clock.js";
export { formatDuration, parseDuration } from "./duration.js";
export { defaultKey } from "./keys.js";
export { LruCache } from "./lru.js";
export { memoize } from "./memoize.js";
export { CacheStats } from "./stats.js";
