import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

import { BerthRegistry, BookingConflictError, BookingLedger, Fleet } from "/repo/src/index.ts";
import type { Berth, Vessel } from "/repo/src/index.ts";
import { berthIds, iso, plan, queries } from "./season.ts";

// Machine-independent bounds: the workload runs in a child process that measures its own CPU
// time against a calibration loop it runs first (200,000 day-string parses, the same kind of
// work the ledger does). The child gives up as soon as a phase is over its budget (checked
// between bookings and between queries), and the kernel stops it after CPU_LIMIT_S seconds of
// CPU (RLIMIT_CPU) in any case, so slow code fails fast even on a loaded machine. The fixed ledger loads the
// season in about 1.5 calibration units and answers the queries in about 0.6; the unfixed one
// needs about 66 and 700.
const LOAD_UNITS = 12;
const QUERY_UNITS = 8;
const CPU_LIMIT_S = 20;

const SETUP = `
const LOAD_UNITS = ${LOAD_UNITS};
const QUERY_UNITS = ${QUERY_UNITS};
import { BerthRegistry, BookingLedger, Fleet } from "/repo/src/index.ts";
import { berthIds, iso, plan, queries } from "/tests/season.ts";
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let t = cpu();
let acc = 0;
for (let i = 0; i < 200000; i++) {
  const m = /^(\\d{4})-(\\d{2})-(\\d{2})$/.exec(iso(18000 + (i % 700)));
  acc += Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) % 7;
}
const calib = cpu() - t;
const berths = berthIds().map((id) => ({ id, pontoon: id[0], kind: "alongside", maxLengthM: 20, maxBeamM: 8, depthM: 4, shorePower: true }));
const vessels = Array.from({ length: 300 }, (_, i) => ({ id: "V" + i, name: "V" + i, kind: "sail", lengthM: 10, beamM: 3.5, draftM: 1.5, owners: [] }));
const registry = new BerthRegistry(berths);
const ledger = new BookingLedger(registry, new Fleet(vessels));
const rows = plan().map((p) => ({ vesselId: p.vesselId, berthId: p.berthId, arrival: iso(p.start), departure: iso(p.end) }));
t = cpu();
for (const row of rows) {
  ledger.book(row);
  if (cpu() - t > LOAD_UNITS * calib) {
    console.log(JSON.stringify({ calib, load: cpu() - t, size: ledger.size, acc, over: true }));
    process.exit(0);
  }
}
const load = cpu() - t;
`;

function run(body: string): Record<string, any> {
  const proc = spawnSync("sh", ["-c", 'ulimit -t "$1"; exec "$2" --input-type=module -e "$3"', "sh", String(CPU_LIMIT_S), process.execPath, SETUP + body], {
    encoding: "utf-8",
    timeout: 600_000,
    killSignal: "SIGKILL",
  });
  assert.equal(proc.signal, null, `the workload was stopped (${proc.signal}): over ${CPU_LIMIT_S} s of CPU`);
  assert.equal(proc.status, 0, proc.stderr.slice(-2000));
  return JSON.parse(proc.stdout) as Record<string, any>;
}

/** Free berths by brute force over the plan, in berth id order. */
function bruteFree(start: number, end: number): string[] {
  const taken = new Set(plan().filter((p) => p.start < end && start < p.end).map((p) => p.berthId));
  return berthIds().filter((id) => !taken.has(id)).sort((a, b) => (a[0] === b[0] ? Number(a.slice(1)) - Number(b.slice(1)) : a < b ? -1 : 1));
}

test("availability: loading a season of 40,000 bookings is fast", () => {
  const r = run(`console.log(JSON.stringify({ calib, load, size: ledger.size, acc }));`);
  assert.ok(r.load <= LOAD_UNITS * r.calib, `loading took ${r.load} ms of CPU, over ${LOAD_UNITS} x ${r.calib} ms`);
  assert.equal(r.size, 40000);
  assert.ok(r.load <= LOAD_UNITS * r.calib, `loading took ${r.load} ms of CPU, over ${LOAD_UNITS} x ${r.calib} ms`);
});

test("availability: 300 free-berth and night queries over a loaded season are fast", () => {
  const r = run(`
if (load > LOAD_UNITS * calib) {
  console.log(JSON.stringify({ calib, spent: load, answers: [], acc }));
  process.exit(0);
}
t = cpu();
const answers = [];
for (const [s, e] of queries(300)) {
  answers.push(ledger.freeBerths({ arrival: iso(s), departure: iso(e) }).map((b) => b.id).join(" "));
  answers.push(String(ledger.onNight(iso(s)).length));
  if (cpu() - t > QUERY_UNITS * calib) {
    break;
  }
}
const spent = cpu() - t;
console.log(JSON.stringify({ calib, spent, answers, acc }));
`);
  assert.ok(r.spent <= QUERY_UNITS * r.calib, `the queries took ${r.spent} ms of CPU, over ${QUERY_UNITS} x ${r.calib} ms`);
  const answers = r.answers as string[];
  assert.equal(answers.length, 600);
  const qs = queries(300);
  for (const i of [0, 17, 123, 299]) {
    const [s, e] = qs[i]!;
    assert.equal(answers[2 * i], bruteFree(s, e).join(" "), `query ${i}`);
    assert.equal(Number(answers[2 * i + 1]), 800 - bruteFree(s, s + 1).length, `night ${i}`);
  }
});

const BERTHS: Berth[] = [
  { id: "M1", pontoon: "M", kind: "finger", maxLengthM: 12, maxBeamM: 4, depthM: 3, shorePower: true },
  { id: "M2", pontoon: "M", kind: "finger", maxLengthM: 12, maxBeamM: 4, depthM: 3, shorePower: true },
  { id: "M10", pontoon: "M", kind: "finger", maxLengthM: 12, maxBeamM: 4, depthM: 3, shorePower: true },
];
const VESSELS: Vessel[] = ["a", "b", "c", "d"].map((x) => ({ id: `V-${x}`, name: x, kind: "sail", lengthM: 9, beamM: 3, draftM: 1.2, owners: [] }));

function small(): BookingLedger {
  return new BookingLedger(new BerthRegistry(BERTHS), new Fleet(VESSELS));
}

test("availability: touching stays share a berth, overlapping ones do not", () => {
  const l = small();
  l.book({ vesselId: "V-a", berthId: "M2", arrival: "2027-05-10", departure: "2027-05-13" });
  l.book({ vesselId: "V-b", berthId: "M2", arrival: "2027-05-13", departure: "2027-05-15" });
  l.book({ vesselId: "V-c", berthId: "M2", arrival: "2027-05-01", departure: "2027-05-10" });
  assert.throws(() => l.book({ vesselId: "V-d", berthId: "M2", arrival: "2027-05-12", departure: "2027-05-14" }), BookingConflictError);
  assert.throws(() => l.book({ vesselId: "V-d", berthId: "M2", arrival: "2027-04-20", departure: "2027-06-01" }), BookingConflictError);
  assert.deepEqual(l.forBerth("M2").map((b) => b.arrival), ["2027-05-01", "2027-05-10", "2027-05-13"]);
  assert.equal(l.conflictFor("M2", { arrival: "2027-05-09", departure: "2027-05-10" })?.arrival, "2027-05-01");
  assert.equal(l.conflictFor("M2", { arrival: "2027-05-15", departure: "2027-05-16" }), undefined);
});

test("availability: free berths and night lists in berth order", () => {
  const l = small();
  l.book({ vesselId: "V-a", berthId: "M10", arrival: "2027-05-10", departure: "2027-05-13" });
  l.book({ vesselId: "V-b", berthId: "M1", arrival: "2027-05-12", departure: "2027-05-14" });
  assert.deepEqual(l.freeBerths({ arrival: "2027-05-11", departure: "2027-05-12" }).map((b) => b.id), ["M1", "M2"]);
  assert.deepEqual(l.freeBerths({ arrival: "2027-05-13", departure: "2027-05-20" }).map((b) => b.id), ["M2", "M10"]);
  assert.deepEqual(l.onNight("2027-05-12").map((b) => b.berthId), ["M1", "M10"]);
  assert.deepEqual(l.onNight("2027-05-14"), []);
});

test("availability: a moved booking frees its old berth", () => {
  const l = small();
  const b = l.book({ vesselId: "V-a", berthId: "M1", arrival: "2027-05-10", departure: "2027-05-13" });
  l.move(b.id, "M2");
  assert.equal(l.isFree("M1", { arrival: "2027-05-10", departure: "2027-05-13" }), true);
  assert.equal(l.isFree("M2", { arrival: "2027-05-12", departure: "2027-05-13" }), false);
  assert.deepEqual(l.forBerth("M1"), []);
});
