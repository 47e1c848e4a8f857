import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { LruCache, ManualClock, manualClock, memoize, parseDuration } from "/repo/src/index.js";

function counter() {
  const calls = [];
  const fn = (x) => {
    calls.push(x);
    return `${x}#${calls.length}`;
  };
  return { fn, calls };
}

test("ttl: LruCache entry expires exactly at set time plus ttl with a manual clock", () => {
  const clock = manualClock(1000);
  const cache = new LruCache({ ttl: "2s", clock });
  cache.set("k", "v");
  clock.advance(1999);
  assert.equal(cache.get("k"), "v");
  clock.advance(1);
  assert.equal(cache.get("k"), undefined);
  assert.equal(cache.size, 0);
});

test("ttl: has() and prune() see expiry with a manual clock", () => {
  const clock = new ManualClock(0);
  const cache = new LruCache({ ttl: 500, clock });
  cache.set("a", 1).set("b", 2);
  clock.advance(300);
  cache.set("c", 3);
  clock.advance(250);
  assert.equal(cache.has("a"), false);
  assert.equal(cache.has("c"), true);
  assert.equal(cache.prune(), 2);
  assert.deepEqual(cache.keys(), ["c"]);
});

test("ttl: expirations are counted in stats", () => {
  const clock = manualClock();
  const cache = new LruCache({ ttl: "1m", clock });
  cache.set("x", 1);
  clock.advance(parseDuration("1m"));
  cache.get("x");
  const snap = cache.stats.snapshot();
  assert.equal(snap.expirations, 1);
  assert.equal(snap.misses, 1);
  assert.equal(snap.hits, 0);
});

test("ttl: memoize with a manual clock keeps results for the whole ttl", () => {
  const clock = manualClock();
  const { fn, calls } = counter();
  const memo = memoize(fn, { ttl: "30s", clock });
  assert.equal(memo("EUR"), "EUR#1");
  clock.advance(29_999);
  assert.equal(memo("EUR"), "EUR#1");
  clock.advance(1);
  assert.equal(memo("EUR"), "EUR#2");
  assert.deepEqual(calls, ["EUR", "EUR"]);
});

test("ttl: memoize numeric ttl is milliseconds", () => {
  const clock = manualClock();
  const { fn, calls } = counter();
  const memo = memoize(fn, { ttl: 5000, clock });
  memo(1);
  clock.advance(4000);
  memo(1);
  assert.equal(calls.length, 1);
  clock.advance(1000);
  memo(1);
  assert.equal(calls.length, 2);
});

test("ttl: memoize with the system clock keeps a 30s result across a short pause", async () => {
  const { fn, calls } = counter();
  const memo = memoize(fn, { ttl: "30s" });
  memo("GBP");
  await sleep(150);
  assert.equal(memo("GBP"), "GBP#1");
  assert.equal(calls.length, 1);
  assert.equal(memo.stats.hits, 1);
});

test("ttl: any object with a now() method works as a clock", () => {
  const clock = {
    t: 10,
    now() {
      return this.t;
    },
  };
  const cache = new LruCache({ ttl: "1s", clock });
  cache.set("k", 1);
  clock.t = 1009;
  assert.equal(cache.get("k"), 1);
  clock.t = 1010;
  assert.equal(cache.get("k"), undefined);
});

test("ttl: a cache without ttl never expires", () => {
  const clock = manualClock();
  const cache = new LruCache({ clock });
  cache.set("k", 1);
  clock.advance(parseDuration("365d"));
  assert.equal(cache.get("k"), 1);
});

test("ttl: system clock expiry still works for LruCache", async () => {
  const cache = new LruCache({ ttl: "40ms" });
  cache.set("k", 1);
  assert.equal(cache.get("k"), 1);
  await sleep(120);
  assert.equal(cache.get("k"), undefined);
});

test("ttl: LRU eviction order is unchanged", () => {
  const cache = new LruCache({ maxEntries: 3 });
  cache.set("a", 1).set("b", 2).set("c", 3);
  cache.get("a");
  cache.set("d", 4);
  assert.deepEqual(cache.keys(), ["c", "a", "d"]);
  assert.equal(cache.stats.evictions, 1);
});

test("ttl: memoize without ttl caches by argument value", () => {
  const { fn, calls } = counter();
  const memo = memoize(fn);
  memo({ a: 1, b: 2 });
  memo({ b: 2, a: 1 });
  memo({ a: 2 });
  assert.equal(calls.length, 2);
  memo.clear();
  memo({ a: 1, b: 2 });
  assert.equal(calls.length, 3);
});

test("ttl: memoize drops rejected promises", async () => {
  let n = 0;
  const memo = memoize(async () => {
    n += 1;
    if (n === 1) {
      throw new Error("boom");
    }
    return n;
  });
  await assert.rejects(memo("x"));
  await sleep(0);
  assert.equal(await memo("x"), 2);
});

test("ttl: parseDuration units", () => {
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration(42), 42);
});
