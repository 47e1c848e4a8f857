import { test } from "node:test";
import assert from "node:assert/strict";
import { Catalog, Ledger, ParseError, importMovements, parseCsv } from "/repo/src/index.js";

const ledger = () => new Ledger(new Catalog([{ sku: "LMP-0300", name: "Lamp" }, { sku: "BLB-0031", name: "Bulb" }]));

test("import: a byte order mark before the header is ignored", () => {
  const l = ledger();
  const result = importMovements(l, '\uFEFF"type","sku","qty","date","location"\n"receipt","LMP-0300","4","2024-08-01","A-02-02"\n');
  assert.deepEqual(result, { imported: 1, errors: [] });
  assert.equal(l.onHand("LMP-0300", "A-02-02"), 4);
});

test("import: BOM with CRLF line endings", () => {
  const l = ledger();
  const text = "\uFEFFsku,type,date,qty\r\nBLB-0031,receipt,2024-08-02,12\r\nBLB-0031,issue,2024-08-03,2\r\n";
  const result = importMovements(l, text);
  assert.equal(result.imported, 1);
  assert.deepEqual(result.errors.map((e) => e.line), [3]);
  assert.deepEqual(parseCsv("\uFEFFa,b\r\n1,2\r\n").map((r) => r.fields), [["a", "b"], ["1", "2"]]);
});

test("import: error lines count line breaks inside quoted fields", () => {
  const l = ledger();
  const text = [
    "type,sku,qty,date,location,ref",
    'receipt,LMP-0300,6,2024-08-01,RECV,"PO 88',
    "two boxes",
    'three notes"',
    "issue,LMP-0300,40,2024-08-02,RECV,",
    'receipt,NOPE-1,1,2024-08-02,RECV,"x\r\ny"',
    "issue,LMP-0300,1,2024-08-09,RECV,ok",
    "receipt,LMP-0300,zero,2024-08-09,RECV,",
  ].join("\n") + "\n";
  const result = importMovements(l, text);
  assert.equal(result.imported, 2);
  assert.deepEqual(result.errors.map((e) => e.line), [5, 6, 9]);
});

test("import: parseCsv rows start on the right line", () => {
  const rows = parseCsv('a,"1\n2\n3"\n\nb,"x"\nc,"\r\n"\nd\n');
  assert.deepEqual(rows.map((r) => [r.fields[0], r.line]), [["a", 1], ["b", 5], ["c", 6], ["d", 8]]);
});

test("import: parse errors point at the row's first line", () => {
  assert.throws(() => parseCsv('a,"x\ny"\nb,"open\nmore\n'), (err) => err instanceof ParseError && err.line === 3);
  assert.throws(() => parseCsv('a,"x\ny"\nb,c"d\n'), (err) => err instanceof ParseError && err.line === 3);
});

test("import: plain files report the same lines as before", () => {
  const l = ledger();
  const result = importMovements(l, "type,sku,qty,date\nreceipt,LMP-0300,1,2024-08-01\n\nissue,LMP-0300,5,2024-08-02\n");
  assert.equal(result.imported, 1);
  assert.deepEqual(result.errors, [{ line: 4, message: "issue of LMP-0300 needs a location" }]);
});
