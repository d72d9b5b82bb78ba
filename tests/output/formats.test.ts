import { expect, test } from "bun:test";
import type { Chunk } from "../../src/model/chunk.ts";
import type { FileResult } from "../../src/model/result.ts";
import { createEmitter, type Format } from "../../src/output/formats.ts";
import { renderPreview } from "../../src/output/preview.ts";
import type { Sink } from "../../src/output/sink.ts";
import { formatSummary, SummarySchema, type Summary } from "../../src/output/summary.ts";
import * as v from "valibot";

const chunk = (path: string, index: number, count: number, content: string): Chunk => ({
  id: `${path}-${index}`,
  content_hash: "0".repeat(64),
  path,
  language: "python",
  strategy: "semantic",
  index,
  count,
  byte_start: index * 10,
  byte_end: index * 10 + content.length,
  line_start: index + 1,
  line_end: index + 1,
  tokens: 3,
  kinds: ["function_definition"],
  symbols: ["f"],
  scope: ["class A"],
  partial: false,
  has_error: false,
  content,
});
const results: FileResult[] = [
  {
    status: "chunked",
    index: 0,
    path: "a.py",
    strategy: "semantic",
    reason: "grammar",
    chunks: [chunk("a.py", 0, 2, "def f():\n"), chunk("a.py", 1, 2, "    return 1\n")],
  },
  { status: "skipped", index: 1, path: "b.bin", reason: "binary", detail: "NUL byte" },
  { status: "chunked", index: 2, path: "empty.py", strategy: "text", reason: "empty", chunks: [] },
  {
    status: "failed",
    index: 3,
    failure: { path: "c.py", stage: "read", code: "EACCES", message: "permission denied" },
  },
  {
    status: "chunked",
    index: 4,
    path: 'd "q".py',
    strategy: "text",
    reason: "x",
    chunks: [chunk('d "q".py', 0, 1, "x = '✓'")],
  },
];

function render(format: Format, list = results): string {
  let out = "";
  const sink: Sink = {
    write: (t) => void (out += t),
    writeBytes: (b) => void (out += Buffer.from(b).toString()),
    flush: () => {},
    isClosed: () => false,
  };
  const emitter = createEmitter(format, sink);
  for (const r of list) emitter.result(r);
  emitter.end();
  return out;
}

test("jsonl: one chunk per line, files and chunks in order, nothing for skipped or failed files", () => {
  const lines = render("jsonl")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(lines.map((c) => c.id)).toEqual(["a.py-0", "a.py-1", 'd "q".py-0']);
});

test("json: one document keyed by path whose chunks equal the jsonl stream", () => {
  const doc = JSON.parse(render("json"));
  expect(Object.keys(doc)).toEqual(["a.py", "empty.py", 'd "q".py']);
  expect(doc["empty.py"]).toEqual([]);
  expect(Object.values(doc).flat()).toEqual(
    render("jsonl")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l)),
  );
  expect(JSON.parse(render("json", []))).toEqual({});
});

test("text: the engine's preview of each file's chunks, in order", () => {
  const text = render("text");
  expect(text).toBe(renderPreview([...results.flatMap((r) => (r.status === "chunked" ? r.chunks : []))]));
  expect(text.indexOf("── a.py  chunk 1/2")).toBeLessThan(text.indexOf("── a.py  chunk 2/2"));
});

test("summary: schema-valid, and the line says what ran", () => {
  const s: Summary = {
    outcome: "complete",
    exitCode: 1,
    executor: "workers",
    executorReason: "auto",
    workers: 2,
    submitted: 5,
    chunked: 3,
    skipped: 1,
    failed: 1,
    degraded: 0,
    invalidUtf8: 0,
    recovered: 0,
    chunks: 3,
    bytes: 2_500_000,
    seconds: 0.5,
    mbPerSecond: 5,
    failures: [],
    skips: [],
    degradations: [],
    recoveries: [],
    unaccounted: [],
  };
  expect(v.is(SummarySchema, s)).toBe(true);
  expect(formatSummary(s)).toBe(
    "weft: 5 files: 3 chunked, 1 skipped, 1 failed; 3 chunks; 2.5 MB in 0.50 s (5.0 MB/s); executor 2 workers (auto)\n",
  );
  const degraded = {
    ...s,
    degraded: 2,
    invalidUtf8: 1,
    degradations: [
      { path: "a.py", reason: "Python parser could not be loaded: x" },
      { path: "b.py", reason: "Python parser could not be loaded: x" },
    ],
  };
  expect(v.is(SummarySchema, degraded)).toBe(true);
  expect(formatSummary(degraded)).toBe(
    "weft: 5 files: 3 chunked (2 not as asked, 1 not valid UTF-8), 1 skipped, 1 failed; 3 chunks; 2.5 MB in 0.50 s (5.0 MB/s); executor 2 workers (auto)\n",
  );
  const recovered = {
    ...s,
    recovered: 1,
    recoveries: [
      {
        path: "a.ts",
        regions: [{ byte_start: 10, byte_end: 90, line_start: 2, line_end: 7, rule: "delimiter" as const }],
      },
    ],
  };
  expect(v.is(SummarySchema, recovered)).toBe(true);
  expect(formatSummary(recovered)).toBe(
    "weft: 5 files: 3 chunked (1 with syntax errors cut by delimiter rules in part), 1 skipped, 1 failed; 3 chunks; 2.5 MB in 0.50 s (5.0 MB/s); executor 2 workers (auto)\n",
  );
});
