// Deterministic ledgers for the hidden tests: `items` SKUs, about `perItem` movements each,
// spread over many locations, recorded in an interleaved (not per-SKU) order.
function lcg(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

export function buildLedger(api, items, perItem, seed = 7) {
  const next = lcg(seed);
  const specs = [];
  for (let i = 0; i < items; i += 1) {
    specs.push({
      sku: `QZ-${String(100000 + i).slice(1)}`,
      name: `Part ${i}`,
      packs: [["box", 4 + (i % 5)]],
      reorderPoint: i % 120,
      leadTimeDays: 2 + (i % 9),
      orderUnit: i % 3 === 0 ? "box" : "each",
      tags: [i % 2 ? "odd" : "even"],
    });
  }
  const ledger = new api.Ledger(new api.Catalog(specs));
  const loc = (n) => `${"ABCDEFGH"[n % 8]}-${String(1 + (n % 37)).padStart(2, "0")}-${String(1 + (n % 23)).padStart(2, "0")}`;
  const home = specs.map((_, i) => loc(i * 13 + 5));
  const day = (n) => {
    const d = new Date(Date.UTC(2024, 0, 1 + (n % 90)));
    return d.toISOString().slice(0, 10);
  };
  for (let i = 0; i < items; i += 1) {
    ledger.receive(specs[i].sku, 40 + (next() % 60), { date: day(i % 5), location: home[i], cost: `${1 + (next() % 9)}.${String(next() % 100).padStart(2, "0")}` });
  }
  const rounds = perItem - 1;
  for (let r = 0; r < rounds; r += 1) {
    for (let i = 0; i < items; i += 1) {
      const sku = specs[i].sku;
      const kind = (i + r) % 4;
      const date = day(10 + r * 3 + (i % 7));
      if (kind === 0) {
        ledger.receive(sku, 5 + (next() % 20), { date, location: home[i], cost: `${2 + (next() % 7)}.50` });
      } else if (kind === 1 && ledger.onHand(sku, home[i]) >= 3) {
        ledger.issue(sku, 1 + (next() % 3), { date, location: home[i], ref: `SO-${r}-${i}` });
      } else if (kind === 2 && ledger.onHand(sku, home[i]) >= 2 && loc(i * 7 + r + 1) !== home[i]) {
        ledger.transfer(sku, 2, home[i], loc(i * 7 + r + 1), { date });
      } else {
        ledger.issue(sku, 1, { date, location: home[i] });
      }
    }
  }
  return ledger;
}
