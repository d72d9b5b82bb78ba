import { expect, test } from "bun:test";
import { emptyTally, tally } from "../../src/execute/tally.ts";
import { failedResult } from "../../src/model/result.ts";

test("tally counts each outcome once, the chunks of chunked files, and the bytes of the files chunked or failed (a skipped file was never chunked)", () => {
  const t = emptyTally();
  tally(t, 10, { status: "chunked", index: 0, path: "a.py", strategy: "text", reason: "r", chunks: [] });
  tally(t, 20, { status: "skipped", index: 1, path: "b.bin", reason: "binary", detail: "d" });
  tally(t, 30, failedResult({ index: 2, path: "c.py" }, "read", "EISDIR", "cannot be read"));
  expect(t).toEqual({ chunked: 1, skipped: 1, failed: 1, chunks: 0, bytes: 40 });
});
