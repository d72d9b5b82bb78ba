import { describe, expect, test } from "bun:test";
import type { WorkerResponse } from "../../src/execute/protocol.ts";
import { readReply, unfinished, type Slot } from "../../src/execute/workerSlot.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";
import { failedResult } from "../../src/model/result.ts";

// Positions 0..3 hold files with index 100 + position.
const indexAt = (pos: number) => 100 + pos;
const file = (pos: number): DiscoveredFile => ({
  index: indexAt(pos),
  path: `f${pos}.go`,
  absPath: `/f${pos}.go`,
  language: "go",
  languageSource: "extension",
  size: 1,
});
const slot = (): Slot => ({
  worker: undefined as unknown as Worker, // readReply never touches the worker
  stop: () => {},
  ready: true,
  fresh: false,
  batches: [
    { id: 7, positions: [0, 1], next: 0 },
    { id: 8, positions: [2, 3], next: 0 },
  ],
  timer: undefined,
  given: 4,
  retiring: false,
});
const result = (pos: number, batchId = 7): WorkerResponse => ({
  type: "result",
  batchId,
  result: failedResult(file(pos), "chunk", "x", "y"),
});

describe("readReply", () => {
  test("files answered in order, then batch-done with the count, advance the slot's batches", () => {
    const s = slot();
    expect(readReply(s, result(0), indexAt)).toMatchObject({ kind: "file", pos: 0 });
    expect(readReply(s, { type: "error", batchId: 7, index: 101, code: "c", message: "m" }, indexAt)).toEqual({
      kind: "file-error",
      pos: 1,
      code: "c",
      message: "m",
    });
    expect(readReply(s, { type: "batch-done", batchId: 7, count: 2 }, indexAt)).toEqual({ kind: "batch-done" });
    expect(s.batches.map((b) => b.id)).toEqual([8]);
    expect(unfinished(s)).toEqual([2, 3]);
    expect(s.batches).toEqual([]);
  });

  test("anything out of place is a protocol loss that names what was expected", () => {
    const loss = (msg: WorkerResponse, prepare: (s: Slot) => void = () => {}) => {
      const s = slot();
      prepare(s);
      const reply = readReply(s, msg, indexAt);
      return reply.kind === "loss" ? `${reply.loss.code}: ${reply.loss.message}` : reply.kind;
    };
    expect(loss(result(1))).toBe("protocol: result for file #101 out of order (expected #100)");
    expect(loss(result(2, 8))).toBe("protocol: result message for batch 8, expected 7");
    expect(loss({ type: "batch-done", batchId: 7, count: 2 })).toBe("protocol: batch ended after 0 of 2 results");
    expect(loss(result(0), (s) => (s.batches[0]!.next = 2))).toBe(
      "protocol: result for file #100 out of order (expected #none)",
    );
    expect(loss({ type: "error", batchId: 7, code: "oops", message: "no file" })).toBe(
      "protocol: worker error (oops): no file",
    );
    expect(loss({ type: "probe-result", batchId: 7, languages: [] })).toBe("protocol: unexpected probe-result message");
    expect(loss(result(0), (s) => (s.batches = []))).toBe("protocol: result message for batch 7, expected none");
  });
});
