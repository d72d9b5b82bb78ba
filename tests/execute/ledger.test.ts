import { expect, test } from "bun:test";
import { createLedger } from "../../src/execute/ledger.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";

const file = (index: number): DiscoveredFile => ({
  index,
  path: `f${index}.py`,
  absPath: `/x/f${index}.py`,
  language: "python",
  languageSource: "extension",
  size: 10 * index,
});

test("a complete run balances: submitted = chunked + skipped + failed", () => {
  const files = [file(0), file(1), file(2)];
  const ledger = createLedger(files);
  ledger.record({ status: "chunked", index: 0, path: "f0.py", strategy: "text", reason: "r", chunks: [] });
  ledger.record({ status: "skipped", index: 1, path: "f1.py", reason: "binary", detail: "NUL bytes" });
  ledger.record({ status: "failed", index: 2, failure: { path: "f2.py", stage: "chunk", code: "x", message: "boom" } });
  expect(ledger.unaccounted()).toEqual([]);
  expect(ledger.duplicates).toEqual([]);
  expect([ledger.chunked, ledger.skips.length, ledger.failures.length, ledger.bytes]).toEqual([1, 1, 1, 20]); // a skipped file's bytes were never chunked
});

test("a missing result is named; a repeated or foreign one is a duplicate", () => {
  const ledger = createLedger([file(0), file(1), file(2)]);
  ledger.record({ status: "chunked", index: 0, path: "f0.py", strategy: "text", reason: "r", chunks: [] });
  ledger.record({ status: "chunked", index: 0, path: "f0.py", strategy: "text", reason: "r", chunks: [] });
  ledger.record({ status: "chunked", index: 9, path: "f9.py", strategy: "text", reason: "r", chunks: [] });
  expect(ledger.unaccounted()).toEqual(["f1.py", "f2.py"]);
  expect(ledger.duplicates).toEqual(["f0.py", "f9.py"]);
  expect(ledger.delivered).toBe(1);
});
