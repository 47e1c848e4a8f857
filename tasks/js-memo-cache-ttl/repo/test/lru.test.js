import { test } from "node:test";
import assert from "node:assert/strict";
import { LruCache, memoize, defaultKey } from "../src/index.js";

test("evicts the least recently used entry", () => {
  const cache = new LruCache({ maxEntries: 2 });
  cache.set("a", 1).set("b", 2);
  cache.get("a");
  cache.set("c", 3);
  assert.deepEqual(cache.keys(), ["a", "c"]);
  assert.equal(cache.stats.evictions, 1);
});

test("onRemove reports the reason", () => {
  const removed = [];
  const cache = new LruCache({ maxEntries: 1, onRemove: (k, _v, reason) => removed.push([k, reason]) });
  cache.set("a", 1).set("b", 2);
  cache.delete("b");
  assert.deepEqual(removed, [["a", "evict"], ["b", "delete"]]);
});

test("memoize caches by argument value", () => {
  let calls = 0;
  const square = memoize((n) => {
    calls += 1;
    return n * n;
  });
  assert.equal(square(4), 16);
  assert.equal(square(4), 16);
  assert.equal(calls, 1);
  assert.equal(square.stats.hits, 1);
});

test("default key sorts object keys", () => {
  assert.equal(defaultKey([{ a: 1, b: 2 }]), defaultKey([{ b: 2, a: 1 }]));
  assert.notEqual(defaultKey([undefined]), defaultKey([null]));
});
