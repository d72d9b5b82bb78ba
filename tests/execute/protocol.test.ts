import { expect, test } from "bun:test";
import * as v from "valibot";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { checkWorkerResponse, WorkerResponseSchema } from "../../src/execute/protocol.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";

/** A real chunked result of several chunks, as a worker posts it. */
function message(): {
  type: "result";
  batchId: number;
  result: Record<string, unknown> & { chunks: Record<string, unknown>[] };
} {
  const text = new TextEncoder().encode("def f(x):\n    return x + 1\n\n".repeat(400));
  const result = chunkFile(
    { index: 3, path: "a.py", absPath: "/a.py", language: "python", languageSource: "extension", size: text.length },
    text,
    { ...DEFAULT_GOVERNOR, maxTokens: 64 },
  );
  expect(result.status).toBe("chunked");
  return structuredClone({ type: "result", batchId: 1, result }) as never;
}

test("a valid chunked result passes as received (the same object), and would pass the full schema too", () => {
  const msg = message();
  expect(msg.result.chunks.length).toBeGreaterThan(3);
  const checked = checkWorkerResponse(msg);
  expect(checked as unknown).toEqual({ ok: msg });
  if ("ok" in checked) expect(checked.ok as unknown).toBe(msg);
  expect(v.is(WorkerResponseSchema, msg)).toBe(true);
});

test("a chunk lost, repeated, out of order, of another file or without content is refused, naming the chunk", () => {
  const cases: [string, (m: ReturnType<typeof message>) => void, string][] = [
    ["lost", (m) => m.result.chunks.splice(1, 1), "result.chunks.0: numbered 0 of"],
    ["repeated", (m) => m.result.chunks.splice(1, 0, m.result.chunks[1]!), "result.chunks.0: numbered 0 of"],
    ["swapped", (m) => m.result.chunks.reverse(), "result.chunks.0: numbered"],
    ["other file", (m) => (m.result.chunks[2]!.path = "b.py"), "result.chunks.2: of another file"],
    [
      "gap",
      (m) => (m.result.chunks[1]!.byte_start = (m.result.chunks[1]!.byte_start as number) + 1),
      "result.chunks.1: bytes",
    ],
    ["no content", (m) => delete m.result.chunks[0]!.content, "result.chunks.0: id or content missing"],
    ["not an object", (m) => (m.result.chunks[0] = null as never), "result.chunks.0: not an object"],
  ];
  for (const [name, spoil, issue] of cases) {
    const m = message();
    spoil(m);
    const checked = checkWorkerResponse(m);
    expect({ name, issue: "issue" in checked ? checked.issue.slice(0, issue.length) : "accepted" }).toEqual({
      name,
      issue,
    });
  }
});

test('an envelope without its fields (the worker\'s "invalid" fault) and any other message are validated in full', () => {
  expect(checkWorkerResponse({ type: "result", batchId: 1, result: { status: "chunked", index: 0 } })).toMatchObject({
    issue: expect.stringContaining("result.path"),
  });
  expect(checkWorkerResponse({ type: "batch-done", batchId: 1, count: -1 })).toMatchObject({
    issue: expect.stringContaining("count"),
  });
  expect(
    checkWorkerResponse({
      type: "result",
      batchId: 1,
      result: { status: "skipped", index: 0, path: "x", reason: "nope", detail: "" },
    }),
  ).toMatchObject({ issue: expect.stringContaining("result.reason") });
});
