import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { accountingProblems, groupedEqualsFlat, smokeChecks } from "../../../diagnostics/smoke/checks.ts";
import { openWorkerSession } from "../../../diagnostics/workerSession.ts";
import type { Executor } from "../../../src/execute/executor.ts";
import type { DiscoveredFile } from "../../../src/model/file.ts";
import type { FileResult } from "../../../src/model/result.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine
// (the preload's default timeout does not reach every file of a multi-file run).
setDefaultTimeout(120_000);

const session = openWorkerSession();
afterAll(() => session.close());

const FAULTS = ["throw", "crash", "exit", "reject", "hang", "unclonable", "invalid"];

describe("executor smoke tests", () => {
  test("pass on the real inline executor and worker pool, with every check listed", async () => {
    const checks = await smokeChecks(session);
    expect(checks.filter((c) => c.status !== "pass")).toEqual([]);
    const ids = checks.map((c) => c.id);
    for (const id of [
      "worker-parsers",
      "inline",
      "pool",
      "identical",
      "failing-file",
      "empty",
      "grouped",
      "fault-run",
      "fault-isolation",
      "recovers",
      ...FAULTS.map((f) => `fault-${f}`),
    ]) {
      expect(ids).toContain(`executor.${id}`);
    }
  });

  test("fail with a clear message when the pool's death detection is switched off", async () => {
    const checks = await smokeChecks(session, {
      faultPool: { ignoreWorkerLoss: true, timeoutMs: 0 },
      deadlineMs: 2_000,
    });
    const run = checks.find((c) => c.id === "executor.fault-run")!;
    expect(run.status).toBe("fail");
    expect(run.detail).toMatch(
      /^workers executor did not finish within 2000 ms: \d+ of 12 results delivered; no result for .+ \(a worker fault went undetected\?\)/,
    );
    for (const kind of ["crash", "exit", "reject"]) {
      const check = checks.find((c) => c.id === `executor.fault-${kind}`)!;
      expect(check.status).toBe("fail");
      expect(check.detail).toContain(`worker fault "${kind}" on `);
    }
    expect(checks.find((c) => c.id === "executor.recovers")!.status).toBe("fail");
    // The checks that do not depend on the fault run still pass.
    expect(checks.find((c) => c.id === "executor.pool")!.status).toBe("pass");
  });

  test("fail when the pool's output differs from inline, loses a result, or breaks accounting", async () => {
    // A pool that alters one chunk and drops the last result, as a buggy executor might.
    const tamper = (pool: Executor): Executor => ({
      ...pool,
      async run(files, governor, onResult, options) {
        const stats = await pool.run(
          files,
          governor,
          async (r) => {
            if (r.index === files.at(-1)?.index) return;
            if (r.status === "chunked" && r.path === "svc/main.go")
              r = { ...r, chunks: r.chunks.map((c) => ({ ...c, content: c.content.replace("8080", "8081") })) };
            await onResult(r);
          },
          options,
        );
        return stats;
      },
    });
    const checks = await smokeChecks(session, { wrapPool: tamper });
    const byId = new Map(checks.map((c) => [c.id, c]));
    // (Not toMatchObject with expect.stringContaining: Bun 1.4.4 writes the matcher into the received object.)
    const pool = byId.get("executor.pool")!;
    expect(pool.status).toBe("fail");
    expect(pool.detail).toContain(
      "11 results for 12 files; stats (10/1/1, 10 chunks) disagree with delivered results (9/1/1, 9 chunks)",
    );
    expect(pool.detail).toContain("svc/main.go: chunk contents do not reproduce the file's bytes");
    expect(byId.get("executor.identical")).toMatchObject({
      status: "fail",
      detail:
        "worker output differs from inline output at svc/main.go; --format jsonl output differs; --format json output differs; and 1 more",
    });
    expect(byId.get("executor.inline")!.status).toBe("pass");
  });

  test("fail when a chunk of the Latin-1 fixture lists other bytes than the file's", async () => {
    const tamper = (pool: Executor): Executor => ({
      ...pool,
      run: (files, governor, onResult, options) =>
        pool.run(
          files,
          governor,
          (r) => {
            if (r.status === "chunked" && r.path === "legacy/latin1.c")
              r = {
                ...r,
                chunks: r.chunks.map((c) => ({
                  ...c,
                  invalid_utf8: c.invalid_utf8?.map((e) => ({ ...e, hex: "e8" })),
                })),
              };
            return onResult(r);
          },
          options,
        ),
    });
    const pool = (await smokeChecks(session, { wrapPool: tamper })).find((c) => c.id === "executor.pool")!;
    expect(pool).toEqual({
      ...pool,
      status: "fail",
      detail: "legacy/latin1.c: chunk contents do not reproduce the file's bytes",
    });
  });
});

describe("accountingProblems", () => {
  const files: DiscoveredFile[] = [0, 1].map((index) => ({
    index,
    path: `f${index}.txt`,
    absPath: `/x/f${index}.txt`,
    language: "text",
    languageSource: "default",
    size: 1,
  }));
  const results: FileResult[] = files.map((f) => ({
    status: "skipped",
    index: f.index,
    path: f.path,
    reason: "binary",
    detail: "",
  }));
  const stats = {
    executor: "inline" as const,
    workers: 0,
    submitted: 2,
    chunked: 0,
    skipped: 2,
    failed: 0,
    chunks: 0,
    bytes: 2,
  };

  test("holds for a consistent run", () => {
    expect(accountingProblems(files, { results, stats })).toEqual([]);
  });

  test("names broken accounting, lost results and wrong order", () => {
    expect(accountingProblems(files, { results, stats: { ...stats, skipped: 1 } })).toContain(
      "accounting broken: submitted 2 != chunked 0 + skipped 1 + failed 0",
    );
    expect(accountingProblems(files, { results: results.slice(0, 1), stats })).toContain("1 results for 2 files");
    expect(accountingProblems(files, { results: [...results].reverse(), stats })[0]).toContain(
      "order or identity broken",
    );
  });
});

describe("groupedEqualsFlat", () => {
  const file: DiscoveredFile = {
    index: 0,
    path: "a.py",
    absPath: "/x/a.py",
    language: "python",
    languageSource: "extension",
    size: 10,
  };
  const chunk = (index: number, byte_start: number, byte_end: number) => ({
    id: `c${index}`,
    path: "a.py",
    language: "python",
    strategy: "semantic" as const,
    index,
    count: 2,
    byte_start,
    byte_end,
    line_start: 1,
    line_end: 1,
    tokens: 1,
    kinds: [],
    symbols: [],
    scope: [],
    partial: false,
    has_error: false,
    content: "x".repeat(byte_end - byte_start),
    content_hash: "0".repeat(64),
  });
  const result = (chunks: ReturnType<typeof chunk>[]): FileResult => ({
    status: "chunked",
    index: 0,
    path: "a.py",
    strategy: "semantic",
    reason: "",
    chunks,
  });

  test("holds when the chunks tile the file", () => {
    expect(groupedEqualsFlat([file], [result([chunk(0, 0, 4), chunk(1, 4, 10)])])).toEqual([]);
  });

  test("names a gap, a wrong number and an uncovered end", () => {
    expect(groupedEqualsFlat([file], [result([chunk(0, 0, 4), chunk(0, 5, 9)])])).toEqual([
      "a.py: chunk 1 is numbered 0/2",
      "a.py: chunk 1 starts at byte 5, previous ended at 4",
      "a.py: chunks cover bytes 0..9 of 10",
    ]);
  });
});
