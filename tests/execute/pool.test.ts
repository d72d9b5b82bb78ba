import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Executor, RunStats } from "../../src/execute/executor.ts";
import { createInlineExecutor } from "../../src/execute/inline.ts";
import type { FaultKind, FaultSpec } from "../../src/execute/faults.ts";
import { createPool, type PoolOptions } from "../../src/execute/pool.ts";
import { WeftError } from "../../src/model/errors.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import type { FileResult } from "../../src/model/result.ts";
import { discoverFiles, fixtureTree, registerAllGrammars } from "./fixtures.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine.
setDefaultTimeout(120_000);

let dir: string;
let files: DiscoveredFile[];
let inline: string[];

/** Runs an executor over files and returns each result serialized, in delivery order, plus the stats. */
async function collect(
  executor: Executor,
  list: readonly DiscoveredFile[] = files,
): Promise<{ out: string[]; results: FileResult[]; stats: RunStats }> {
  const results: FileResult[] = [];
  try {
    const stats = await executor.run(list, DEFAULT_GOVERNOR, (r) => void results.push(r));
    return { out: results.map((r) => JSON.stringify(r)), results, stats };
  } finally {
    await executor.close();
  }
}

function pool(options: PoolOptions = {}): Executor {
  return createPool({ workers: 2, timeoutMs: 20_000, ...options });
}

const pathOf = (r: FileResult) => (r.status === "failed" ? r.failure.path : r.path);

beforeAll(async () => {
  registerAllGrammars();
  dir = fixtureTree();
  files = discoverFiles([dir]);
  inline = (await collect(createInlineExecutor())).out;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("worker output equals inline output", () => {
  test("inline delivers every file once, in index order", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(inline.map((s) => JSON.parse(s).index)).toEqual(files.map((f) => f.index));
    // latin1.txt and legacy.py are not UTF-8: chunked, with their invalid bytes listed.
    expect(inline.filter((s) => s.includes('"invalid_utf8":[{"byte_start":'))).toHaveLength(2);
  });

  for (const workers of [1, 2, 3]) {
    test(`${workers} worker(s), byte for byte`, async () => {
      const { out, stats } = await collect(pool({ workers }));
      expect(out).toEqual(inline);
      expect(stats).toMatchObject({ executor: "workers", workers, submitted: files.length });
      expect(stats.chunked + stats.skipped + stats.failed).toBe(files.length);
    });
  }

  test("one file per batch and a one-file window still give identical bytes", async () => {
    const { out, stats } = await collect(pool({ batchBytes: 1, aheadFiles: 1, aheadBytes: 1 }));
    expect(out).toEqual(inline);
    expect(stats.peakBuffered).toBeLessThanOrEqual(1);
  });

  test("recycling a worker after every batch keeps the bytes identical and every file accounted for", async () => {
    const { out, stats } = await collect(pool({ recycleBytes: 1, batchBytes: 4096 }));
    expect(out).toEqual(inline);
    expect(stats.chunked + stats.skipped + stats.failed).toBe(files.length);
    // Every batch retires its worker (the last ones end with the run): more replacements than workers.
    expect(stats.recycled).toBeGreaterThan(2);
  });

  test("with every file counted as big (one in flight at a time) the run still completes, identical", async () => {
    const { out, stats } = await collect(pool({ bigFileBytes: 1, workers: 3 }));
    expect(out).toEqual(inline);
    expect(stats.recycled).toBe(0);
  });

  test("a worker that dies on a file while recycling is on: retried on a fresh worker, the rest intact", async () => {
    const victim = files[5]!;
    const { out } = await collect(
      pool({ recycleBytes: 1, batchBytes: 4096, faults: [{ path: victim.path, kind: "crash", attempts: 1 }] }),
    );
    expect(out).toEqual(inline);
  });

  test("a pool runs again after a run, and an empty run returns at once", async () => {
    const p = pool();
    try {
      const first = await p.run(files, DEFAULT_GOVERNOR, () => {});
      const empty = await p.run([], DEFAULT_GOVERNOR, () => {});
      const out: string[] = [];
      await p.run(files, DEFAULT_GOVERNOR, (r) => void out.push(JSON.stringify(r)));
      expect(first.submitted).toBe(files.length);
      expect(empty).toMatchObject({ submitted: 0, chunked: 0 });
      expect(out).toEqual(inline);
    } finally {
      await p.close();
    }
  });
});

describe("failure modes: detected, reported with the path, the rest intact", () => {
  const expectations: Record<FaultKind, { code: string; message: RegExp; stage: "chunk" | "execute" }> = {
    throw: { code: "chunk-threw", stage: "chunk", message: /injected fault "throw"/ },
    crash: {
      code: "worker-died",
      stage: "execute",
      message: /worker crashed: .*injected fault "crash".*retried alone/,
    },
    exit: { code: "worker-died", stage: "execute", message: /exited unexpectedly \(code 3\).*retried alone/ },
    reject: { code: "worker-died", stage: "execute", message: /injected fault "reject".*retried alone/ },
    unclonable: { code: "unclonable", stage: "execute", message: /could not be posted \(DataCloneError/ },
    invalid: {
      code: "protocol",
      stage: "execute",
      message: /invalid message from worker \(result\.path: .*retried alone/,
    },
    hang: { code: "timeout", stage: "execute", message: /no result after 1 s \(--timeout\)/ },
  };

  for (const [kind, want] of Object.entries(expectations) as [FaultKind, (typeof expectations)[FaultKind]][]) {
    test(kind, async () => {
      // Two faulty files, one early and one late, so the pool must recover and keep going twice.
      const victims = [files[2]!, files[files.length - 3]!];
      const faults: FaultSpec[] = victims.map((f) => ({ path: f.path, kind }));
      const { results, stats } = await collect(pool({ faults, timeoutMs: kind === "hang" ? 1000 : 20_000 }));
      expect(results.map((r) => r.index)).toEqual(files.map((f) => f.index));
      for (const [i, r] of results.entries()) {
        if (victims.some((v) => v.index === r.index)) {
          expect(r.status).toBe("failed");
          if (r.status !== "failed") continue;
          expect(r.failure.path).toBe(files[i]!.path);
          expect(r.failure.code).toBe(want.code);
          expect(r.failure.stage).toBe(want.stage);
          expect(r.failure.message).toMatch(want.message);
        } else {
          expect(JSON.stringify(r)).toBe(inline[i]!);
        }
      }
      expect(stats.failed).toBe(inline.filter((s) => s.includes('"status":"failed"')).length + 2);
    });
  }

  for (const kind of ["crash", "exit", "reject", "invalid"] as const) {
    test(`${kind} on the first try only: the retry on a new worker succeeds`, async () => {
      const victim = files[4]!;
      const { out } = await collect(pool({ faults: [{ path: victim.path, kind, attempts: 1 }] }));
      expect(out).toEqual(inline);
    });
  }

  test("several deaths in one run with one worker: every file still accounted for", async () => {
    const faults: FaultSpec[] = [1, 3, 5, 7].map((i, n) => ({
      path: files[i]!.path,
      kind: (["crash", "exit", "reject", "invalid"] as const)[n]!,
    }));
    const { results } = await collect(pool({ workers: 1, faults, batchBytes: 1 << 30 }));
    expect(results.map((r) => r.index)).toEqual(files.map((f) => f.index));
    const failed = results.filter((r) => r.status === "failed").map(pathOf);
    for (const f of faults) expect(failed).toContain(f.path);
  });

  test("workers that cannot start fail the run with a clear error instead of respawning forever", async () => {
    const broken = join(dir, "broken-worker.ts");
    writeFileSync(broken, "throw new Error('cannot load');\n");
    const p = pool({ workerUrl: new URL(`file://${broken}`) });
    const err = await p.run(files, DEFAULT_GOVERNOR, () => {}).catch((e: unknown) => e);
    await p.close();
    expect(err).toBeInstanceOf(WeftError);
    expect((err as WeftError).code).toBe("worker-start");
    expect((err as WeftError).message).toMatch(/workers cannot start \(worker crashed: .*cannot load/);
  });

  test("each worker's init carries the tokenizer's rank table in shared memory", async () => {
    // A stand-in worker that reports what its init held, through the one channel a start-up failure has.
    const spy = join(dir, "spy-worker.ts");
    writeFileSync(
      spy,
      `self.onmessage = (e) => { const t = e.data.rankTables?.o200k;
        const shared = e.data.type === "init" && t instanceof SharedArrayBuffer;
        process.exit(shared && new Uint32Array(t, 0, 1)[0] === 0x45504257 ? 7 : 9); };\n`, // "WBPE", the table's magic
    );
    const p = pool({ workerUrl: new URL(`file://${spy}`) });
    const err = await p.run(files, DEFAULT_GOVERNOR, () => {}).catch((e: unknown) => e);
    await p.close();
    expect((err as WeftError).message).toMatch(/workers cannot start \(worker exited unexpectedly \(code 7\)\)/);
  });

  test("an invalid request is refused before it reaches a worker", async () => {
    const bad = [{ ...files[0]!, size: -1 }];
    const err = await collect(pool(), bad).catch((e: unknown) => e);
    expect((err as WeftError).code).toBe("protocol");
    expect((err as WeftError).message).toMatch(/invalid request for a worker \(files\.0\.size/);
  });
});

describe("ordering, memory and interruption", () => {
  test("a slow early file holds back at most the dispatch window", async () => {
    const { results, stats } = await collect(
      pool({ faults: [{ path: files[0]!.path, kind: "hang" }], timeoutMs: 1000, aheadFiles: 4, batchBytes: 1 }),
    );
    expect(results.map((r) => r.index)).toEqual(files.map((f) => f.index));
    expect(results[0]).toMatchObject({ status: "failed", failure: { code: "timeout", path: files[0]!.path } });
    expect(stats.peakBuffered).toBeGreaterThan(0);
    expect(stats.peakBuffered).toBeLessThanOrEqual(4);
  });

  test("an abort stops the workers and rejects with code interrupted, even mid-hang", async () => {
    const p = pool({ faults: [{ path: files[3]!.path, kind: "hang" }], timeoutMs: 0 });
    const controller = new AbortController();
    const seen: number[] = [];
    const err = await p
      .run(
        files,
        DEFAULT_GOVERNOR,
        (r) => {
          seen.push(r.index);
          if (seen.length === 3) setTimeout(() => controller.abort(), 50);
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    await p.close();
    expect((err as WeftError).code).toBe("interrupted");
    expect(seen).toEqual(files.slice(0, 3).map((f) => f.index));
  });

  test("inline stops on abort too", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const err = await createInlineExecutor()
      .run(
        files,
        DEFAULT_GOVERNOR,
        (r) => {
          seen.push(r.index);
          if (seen.length === 2) controller.abort();
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    expect((err as WeftError).code).toBe("interrupted");
    expect(seen.length).toBe(2);
  });

  test("a consumer that throws fails the run and stops the workers", async () => {
    const p = pool();
    const err = await p
      .run(files, DEFAULT_GOVERNOR, () => {
        throw new WeftError("output", "disk full");
      })
      .catch((e: unknown) => e);
    await p.close();
    expect((err as WeftError).message).toBe("disk full");
  });

  test("in a worker, a file gone since discovery is skipped as not-found; one that became a directory is a read failure naming it", async () => {
    const gone = join(dir, "misc/vanishing.py");
    const replaced = join(dir, "misc/replaced.py");
    writeFileSync(gone, "x = 1\n");
    writeFileSync(replaced, "y = 2\n");
    const list = discoverFiles([dir]);
    rmSync(gone);
    rmSync(replaced);
    mkdirSync(replaced);
    try {
      const { results } = await collect(pool(), list);
      expect(results.find((x) => pathOf(x) === gone)).toMatchObject({
        status: "skipped",
        reason: "not-found",
        detail: "vanished after discovery: ENOENT: no such file or directory",
      });
      expect(results.find((x) => pathOf(x) === replaced)).toMatchObject({
        status: "failed",
        failure: { stage: "read", code: "EISDIR", path: replaced },
      });
      expect(results.length).toBe(list.length);
    } finally {
      rmSync(replaced, { recursive: true });
    }
  });
});
