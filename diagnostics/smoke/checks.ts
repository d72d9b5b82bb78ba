import { chunkBytes } from "../../src/chunkers/utf8.ts";
import type { Executor, RunStats } from "../../src/execute/executor.ts";
import { createInlineExecutor } from "../../src/execute/inline.ts";
import type { FaultKind, FaultSpec } from "../../src/execute/faults.ts";
import { createPool, type PoolOptions } from "../../src/execute/pool.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import { grammarLanguages } from "../../src/languages/table.ts";
import type { Check } from "../../src/model/diagnosis.ts";
import { errorMessage } from "../../src/model/errors.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";
import { DEFAULT_GOVERNOR, type Governor } from "../../src/model/governor.ts";
import type { FileResult } from "../../src/model/result.ts";
import { createEmitter, type Format } from "../../src/output/formats.ts";
import type { Sink } from "../../src/output/sink.ts";
import { runCheck, runPhase, tempDirMissing, verdict, type Settled, type Verdict } from "../check.ts";
import type { WorkerSession } from "../workerSession.ts";
import { writeFixtures, type FixtureSet } from "./fixtures.ts";

/** What a faulty file must come back as: failed, with one of these codes. */
const FAULT_CODES: Record<FaultKind, readonly string[]> = {
  throw: ["chunk-threw"],
  crash: ["worker-died"],
  exit: ["worker-died"],
  reject: ["worker-died"],
  hang: ["timeout"],
  unclonable: ["unclonable"],
  invalid: ["protocol", "invalid-result"],
};

/** Knobs for tests; the defaults are what `weft diagnose` runs. */
export type SmokeOptions = {
  /** Workers per pool (2: enough to exercise ordering across workers). */
  workers?: number;
  /** The pool's per-file timeout in the fault run: the "hang" fault must be caught by it. */
  hangTimeoutMs?: number;
  /** How long a run may take before the smoke test declares results lost. */
  deadlineMs?: number;
  /** Extra pool options for the fault run (tests pass the executor's test-only switches here). */
  faultPool?: Partial<PoolOptions>;
  /** Wraps the main pool (tests use it to make the pool misbehave in ways a fault hook cannot). */
  wrapPool?: (pool: Executor) => Executor;
};

type Collected = { results: FileResult[]; stats: RunStats };

/**
 * The fault run's budget. Each fault that kills a worker costs two new workers (the death, then the
 * isolated retry), and a new worker warms up for its governor before taking work: the o200k tables
 * take 0.2-1 s per worker, the `chars` counter nothing. Faults concern the executor, not the tokenizer.
 */
const FAULT_GOVERNOR: Governor = { ...DEFAULT_GOVERNOR, tokenizer: "chars" };

/**
 * Runs an executor and collects what it delivers, within a deadline: an executor that misses a
 * worker death never settles, and the smoke test must say so instead of hanging with it.
 */
async function collect(
  exec: Executor,
  files: readonly DiscoveredFile[],
  deadlineMs: number,
  governor: Governor = DEFAULT_GOVERNOR,
): Promise<Collected> {
  const results: FileResult[] = [];
  let timer: Timer | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const got = new Set(results.map((r) => r.index));
      const missing = files.filter((f) => !got.has(f.index)).map((f) => f.path);
      reject(
        new Error(
          `${exec.kind} executor did not finish within ${deadlineMs} ms: ${results.length} of ${files.length} results delivered; no result for ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""} (a worker fault went undetected?)`,
        ),
      );
    }, deadlineMs);
  });
  try {
    const stats = await Promise.race([exec.run(files, governor, (r) => void results.push(r)), deadline]);
    return { results, stats };
  } finally {
    clearTimeout(timer);
  }
}

const resultPath = (r: FileResult) => (r.status === "failed" ? r.failure.path : r.path);

/** Problems with a run's delivery and accounting, independent of what each file should become. */
export function accountingProblems(files: readonly DiscoveredFile[], { results, stats }: Collected): string[] {
  const problems: string[] = [];
  if (results.length !== files.length) problems.push(`${results.length} results for ${files.length} files`);
  files.forEach((f, i) => {
    const r = results[i];
    if (r && (r.index !== f.index || resultPath(r) !== f.path))
      problems.push(
        `result ${i} is for #${r.index} ${resultPath(r)}, expected #${f.index} ${f.path} (order or identity broken)`,
      );
  });
  const count = (s: FileResult["status"]) => results.filter((r) => r.status === s).length;
  const chunks = results.reduce((n, r) => n + (r.status === "chunked" ? r.chunks.length : 0), 0);
  const { submitted, chunked, skipped, failed } = stats;
  if (submitted !== files.length) problems.push(`stats.submitted ${submitted} != ${files.length} files`);
  if (submitted !== chunked + skipped + failed)
    problems.push(
      `accounting broken: submitted ${submitted} != chunked ${chunked} + skipped ${skipped} + failed ${failed}`,
    );
  if (
    chunked !== count("chunked") ||
    skipped !== count("skipped") ||
    failed !== count("failed") ||
    stats.chunks !== chunks
  ) {
    problems.push(
      `stats (${chunked}/${skipped}/${failed}, ${stats.chunks} chunks) disagree with delivered results (${count("chunked")}/${count("skipped")}/${count("failed")}, ${chunks} chunks)`,
    );
  }
  return problems;
}

/** Problems with each fixture's result against its expectation (chunks for good files, a reason for the rest). */
function fixtureProblems(
  fx: FixtureSet,
  files: readonly DiscoveredFile[],
  results: readonly FileResult[],
  faults = new Map<string, FaultKind>(),
): string[] {
  const problems: string[] = [];
  files.forEach((f, i) => {
    const r = results[i];
    if (!r) return;
    const fault = faults.get(f.path);
    const want = fx.expected.get(f.index)!;
    if (fault) {
      const codes = FAULT_CODES[fault];
      if (r.status !== "failed") problems.push(`${f.path} (fault ${fault}): ${r.status}, expected failed`);
      else if (!codes.includes(r.failure.code) || !r.failure.message)
        problems.push(
          `${f.path} (fault ${fault}): failed with code "${r.failure.code}" (${r.failure.message}), expected ${codes.join(" or ")}`,
        );
      return;
    }
    if (r.status !== want.status) {
      problems.push(
        `${f.path}: ${r.status}${r.status === "failed" ? ` (${r.failure.code}: ${r.failure.message})` : ""}, expected ${want.status}`,
      );
    } else if (r.status === "chunked") {
      if (r.chunks.length === 0) problems.push(`${f.path}: chunked into 0 chunks`);
      let joined: Buffer | undefined;
      try {
        joined = Buffer.concat(r.chunks.map(chunkBytes));
      } catch (err) {
        problems.push(`${f.path}: ${errorMessage(err)}`);
      }
      if (joined && !joined.equals(fx.texts.get(f.index)!))
        problems.push(`${f.path}: chunk contents do not reproduce the file's bytes`);
      if (r.chunks.some((c) => c.path !== f.path)) problems.push(`${f.path}: a chunk names another path`);
    } else if (r.status === "skipped" && want.status === "skipped" && r.reason !== want.reason) {
      problems.push(`${f.path}: skipped as ${r.reason}, expected ${want.reason}`);
    } else if (
      r.status === "failed" &&
      want.status === "failed" &&
      (r.failure.stage !== want.stage || r.failure.path !== f.path || !r.failure.message)
    ) {
      problems.push(
        `${f.path}: failure ${JSON.stringify(r.failure)} lacks the expected stage "${want.stage}", path or message`,
      );
    }
  });
  return problems;
}

/** What `weft chunk` would write for these results in `format`, through the real emitter. */
export function emitted(results: readonly FileResult[], format: Format): string {
  let text = "";
  const sink: Sink = {
    write: (t) => void (text += t),
    writeBytes: (b) => void (text += Buffer.from(b).toString()),
    flush: () => {},
    isClosed: () => false,
  };
  const emitter = createEmitter(format, sink);
  for (const r of results) emitter.result(r);
  emitter.end();
  return text;
}

/** One file's result as comparable text: its chunk lines, or the skip/failure record. */
function serialize(r: FileResult): string {
  return r.status === "chunked" ? emitted([r], "jsonl") : JSON.stringify(r);
}

/** First file whose serialized result differs between two runs, or null. */
export function firstDifferingFile(a: readonly FileResult[], b: readonly FileResult[]): string | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return `${resultPath((x ?? y)!)} (present in only one run)`;
    if (serialize(x) !== serialize(y)) return resultPath(x);
  }
  return null;
}

/**
 * The grouped document (`--format json`) read back must hold, file by file, exactly the chunk
 * lines of the flat stream (`--format jsonl`); and each file's chunks must be numbered 0..count-1
 * and tile its bytes.
 */
export function groupedEqualsFlat(files: readonly DiscoveredFile[], results: readonly FileResult[]): string[] {
  const problems: string[] = [];
  const flat = emitted(results, "jsonl").split("\n").filter(Boolean);
  let grouped: Record<string, unknown[]>;
  try {
    grouped = JSON.parse(emitted(results, "json")) as Record<string, unknown[]>;
  } catch (err) {
    return [`the grouped output is not valid JSON: ${err instanceof Error ? err.message : String(err)}`];
  }
  const regrouped = Object.values(grouped)
    .flat()
    .map((c) => JSON.stringify(c));
  if (regrouped.length !== flat.length)
    problems.push(`grouped output holds ${regrouped.length} chunks, the flat stream ${flat.length}`);
  const at = regrouped.findIndex((line, i) => line !== flat[i]);
  if (at >= 0) problems.push(`chunk ${at} of the grouped output differs from line ${at + 1} of the flat stream`);
  for (const r of results) {
    if (r.status !== "chunked") continue;
    if ((grouped[r.path]?.length ?? 0) !== r.chunks.length)
      problems.push(
        `${r.path}: ${grouped[r.path]?.length ?? 0} chunks under its key, ${r.chunks.length} in its result`,
      );
    r.chunks.forEach((c, i) => {
      if (c.index !== i || c.count !== r.chunks.length)
        problems.push(`${r.path}: chunk ${i} is numbered ${c.index}/${c.count}`);
      const prev = r.chunks[i - 1];
      if (prev && c.byte_start !== prev.byte_end)
        problems.push(`${r.path}: chunk ${i} starts at byte ${c.byte_start}, previous ended at ${prev.byte_end}`);
    });
    const size = files.find((f) => f.path === r.path)?.size ?? -1;
    const first = r.chunks[0];
    const last = r.chunks.at(-1);
    if (first && last && (first.byte_start !== 0 || last.byte_end !== size))
      problems.push(`${r.path}: chunks cover bytes ${first.byte_start}..${last.byte_end} of ${size}`);
  }
  return problems;
}

/** A run's results, or why there are none (the run threw or missed its deadline). */
type RunResult = Settled<Collected>;

/** The run a settled phase produced, if it did. */
const ran = (r: RunResult): Collected | undefined => (r.ok ? r.value : undefined);

/**
 * The executor section: inline and pool on embedded fixtures (several languages, a file that
 * cannot be read, one that is not UTF-8; each chunked file must rebuild byte for byte from its
 * chunks), byte-identical output, empty input, grouping, parsers inside a worker, and every
 * injectable worker fault, each detected with the pool recovering. The runs are phases whose
 * results later checks receive as arguments: no check reads what another one left behind.
 */
export async function smokeChecks(session: WorkerSession, opts: SmokeOptions = {}): Promise<Check[]> {
  const workers = opts.workers ?? 2;
  const deadlineMs = opts.deadlineMs ?? 15_000;
  const hangTimeoutMs = opts.hangTimeoutMs ?? 800;
  const checks: Check[] = [];
  let fx: FixtureSet;
  try {
    fx = writeFixtures();
  } catch (err) {
    // Without a temporary directory there are no fixtures: the checks that run on them fail, saying why.
    const detail = tempDirMissing(err);
    return [
      await workerParsersCheck(session, deadlineMs),
      ...FIXTURE_CHECKS.map((id): Check => ({ id, section: "executor", status: "fail", ms: 0, detail })),
    ];
  }
  const inline = createInlineExecutor();
  const pool = (opts.wrapPool ?? ((p) => p))(createPool({ workers }));
  // Every executor started here, closed at the end (the fault run adds its pool when it starts one).
  const started: Executor[] = [inline, pool];
  try {
    checks.push(await workerParsersCheck(session, deadlineMs));
    const inlineRun = await fixtureRun("executor.inline", inline, fx, deadlineMs, "");
    const poolRun = await fixtureRun("executor.pool", pool, fx, deadlineMs, `${workers} workers: `);
    checks.push(inlineRun.check, poolRun.check);
    checks.push(await identicalCheck(inlineRun.result, poolRun.result));
    checks.push(await failingFileCheck(fx, inlineRun.result, poolRun.result));
    checks.push(await emptyCheck(inline, pool));
    checks.push(await groupedCheck(fx, poolRun.result));
    const faults = faultsFor(fx);
    const faultPool = () => {
      const p = createPool({ workers, timeoutMs: hangTimeoutMs, faults: faults.specs, ...opts.faultPool });
      started.push(p);
      return p;
    };
    const faultRun = await faultPhase(fx, faults, inline, faultPool, deadlineMs);
    checks.push(faultRun.check);
    for (const [path, kind] of faults.byPath) checks.push(await faultCheck(fx, faults, path, kind, faultRun.result));
    checks.push(await faultIsolationCheck(fx, faults, faultRun.result));
    checks.push(await recoversCheck(fx, faults, faultRun.result, deadlineMs));
  } finally {
    await Promise.all(started.map((e) => e.close()));
    fx.dispose();
  }
  return checks;
}

/** The executor checks that run on the fixtures written to a temporary directory. */
const FIXTURE_CHECKS = [
  "executor.inline",
  "executor.pool",
  "executor.identical",
  "executor.failing-file",
  "executor.empty",
  "executor.grouped",
  "executor.fault-run",
  "executor.fault-isolation",
  "executor.recovers",
];

/** executor.worker-parsers: every grammar loads and parses inside a worker of the diagnose session. */
function workerParsersCheck(session: WorkerSession, deadlineMs: number): Promise<Check> {
  return runCheck("executor.worker-parsers", "executor", async () => {
    const ids = grammarLanguages().map((l) => l.id);
    loadParsers(ids); // process-global: registered here, usable in every worker
    const res = await session.request({ type: "probe", languages: ids }, deadlineMs);
    if (res.type !== "probe-result") return { status: "fail", detail: `worker answered ${res.type} to a parser probe` };
    const bad = res.languages.filter((l) => !l.ok).map((l) => `${l.id}: ${l.error ?? "failed"}`);
    const missing = ids.filter((id) => !res.languages.some((l) => l.id === id)).map((id) => `${id}: no answer`);
    return verdict([...bad, ...missing], `${ids.length} of ${ids.length} grammars parse inside a worker`);
  });
}

/** executor.inline / executor.pool: one executor over the fixtures; the run is handed on to the checks that compare runs. */
function fixtureRun(
  id: string,
  exec: Executor,
  fx: FixtureSet,
  deadlineMs: number,
  prefix: string,
): Promise<{ check: Check; result: RunResult }> {
  const good = [...fx.expected.values()].filter((e) => e.status === "chunked").length;
  return runPhase(
    id,
    "executor",
    () => collect(exec, fx.files, deadlineMs),
    (run) =>
      verdict(
        [...accountingProblems(fx.files, run), ...fixtureProblems(fx, fx.files, run.results)],
        `${prefix}${good} files chunked (${run.stats.chunks} chunks) and rebuilt byte for byte from their chunks (the Latin-1 one through invalid_utf8), the file that became a directory failed, the vanished file skipped; accounting holds`,
      ),
  );
}

/** executor.identical: the pool's output equals the inline output byte for byte, in every format. */
function identicalCheck(inlineResult: RunResult, poolResult: RunResult): Promise<Check> {
  return runCheck("executor.identical", "executor", () => {
    const inlineRun = ran(inlineResult);
    const poolRun = ran(poolResult);
    if (!inlineRun || !poolRun)
      return { status: "fail", detail: "needs both the inline and the pool run, and one of them failed" };
    const problems = (["jsonl", "json", "text"] as const)
      .filter((f) => emitted(inlineRun.results, f) !== emitted(poolRun.results, f))
      .map((f) => `--format ${f} output differs`);
    const diff = firstDifferingFile(inlineRun.results, poolRun.results);
    if (diff) problems.unshift(`worker output differs from inline output at ${diff}`);
    return verdict(
      problems,
      `worker output is byte-identical to inline output in every format (${emitted(poolRun.results, "jsonl").length} bytes of JSON Lines)`,
    );
  });
}

/** executor.failing-file: in both runs exactly the file that became a directory failed, and every other file completed. */
function failingFileCheck(fx: FixtureSet, inlineResult: RunResult, poolResult: RunResult): Promise<Check> {
  return runCheck("executor.failing-file", "executor", () => {
    const problems: string[] = [];
    for (const [name, run] of [
      ["inline", ran(inlineResult)],
      ["pool", ran(poolResult)],
    ] as const) {
      if (!run) {
        problems.push(`${name}: no run`);
        continue;
      }
      const failed = run.results.filter((r) => r.status === "failed");
      const others = run.results.filter((r) => r.status !== "failed");
      if (failed.length !== 1)
        problems.push(`${name}: ${failed.length} failed files, expected exactly the one that became a directory`);
      if (others.length !== fx.files.length - 1)
        problems.push(`${name}: only ${others.length} of ${fx.files.length - 1} other files completed`);
    }
    const f = ran(poolResult)?.results.find((r) => r.status === "failed");
    return verdict(
      problems,
      f?.status === "failed"
        ? `reported "${f.failure.path}: ${f.failure.message}" (${f.failure.stage}/${f.failure.code}) while the others completed`
        : "",
    );
  });
}

/** executor.empty: an empty file list returns at once with zero counts, inline and on the pool. */
function emptyCheck(inline: Executor, pool: Executor): Promise<Check> {
  return runCheck("executor.empty", "executor", async () => {
    const problems: string[] = [];
    for (const exec of [inline, pool]) {
      const run = await collect(exec, [], 2_000);
      if (run.results.length > 0) problems.push(`${exec.kind}: delivered ${run.results.length} results for no files`);
      if (run.stats.submitted + run.stats.chunked + run.stats.skipped + run.stats.failed !== 0)
        problems.push(`${exec.kind}: non-zero stats ${JSON.stringify(run.stats)}`);
    }
    return verdict(problems, "an empty file list returns at once with zero counts (inline and pool)");
  });
}

/** executor.grouped: the pool run's grouped document holds exactly its flat stream. */
function groupedCheck(fx: FixtureSet, poolResult: RunResult): Promise<Check> {
  return runCheck("executor.grouped", "executor", () => {
    const poolRun = ran(poolResult);
    if (!poolRun) return { status: "fail", detail: "needs the pool run, which failed" };
    return verdict(
      groupedEqualsFlat(fx.files, poolRun.results),
      "--format json (grouped by file) holds exactly the --format jsonl stream; each file's chunks tile it",
    );
  });
}

/** The faults of the fault run: one kind per file, on the first files that should chunk. */
type InjectedFaults = { byPath: Map<string, FaultKind>; specs: FaultSpec[]; kinds: FaultKind[] };

function faultsFor(fx: FixtureSet): InjectedFaults {
  const kinds = Object.keys(FAULT_CODES) as FaultKind[];
  const victims = fx.files.filter((f) => fx.expected.get(f.index)?.status === "chunked").slice(0, kinds.length);
  const byPath = new Map(victims.map((f, i) => [f.path, kinds[i]!]));
  return { byPath, specs: [...byPath].map(([path, kind]) => ({ path, kind })), kinds };
}

/** The fault run: the inline baseline, and the pool (with the faults injected) that ran the same files. */
type FaultRun = { baseline: Collected; run: Collected; pool: Executor };

/**
 * executor.fault-run: every fault kind at once, each on its own file, under one pool: each must be
 * pinned on its file while every other file comes out exactly as inline made it (later checks).
 */
function faultPhase(
  fx: FixtureSet,
  faults: InjectedFaults,
  inline: Executor,
  startPool: () => Executor,
  deadlineMs: number,
): Promise<{ check: Check; result: Settled<FaultRun> }> {
  return runPhase(
    "executor.fault-run",
    "executor",
    async () => {
      const baseline = await collect(inline, fx.files, deadlineMs, FAULT_GOVERNOR);
      const pool = startPool();
      const run = await collect(pool, fx.files, deadlineMs, FAULT_GOVERNOR);
      return { baseline, run, pool };
    },
    () => ({
      status: "pass",
      detail: `${faults.specs.length} faults (${faults.kinds.join(", ")}) injected into one run of ${fx.files.length} files; the run completed`,
    }),
    (err) => ({ status: "fail", detail: faultError(err) }),
  );
}

/** Why the fault run produced nothing, as its check and the checks that needed it say it. */
const faultError = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** executor.fault-KIND: the file with that fault failed with one of its codes. */
function faultCheck(
  fx: FixtureSet,
  faults: InjectedFaults,
  path: string,
  kind: FaultKind,
  result: Settled<FaultRun>,
): Promise<Check> {
  return runCheck(`executor.fault-${kind}`, "executor", () => {
    if (!result.ok) return { status: "fail", detail: `worker fault "${kind}" on ${path}: ${faultError(result.error)}` };
    const i = fx.files.findIndex((f) => f.path === path);
    const r = result.value.run.results[i];
    const problems = fixtureProblems(fx, [fx.files[i]!], r ? [r] : [], faults.byPath);
    return verdict(problems, r?.status === "failed" ? `detected: ${r.failure.code}: ${r.failure.message}` : "");
  });
}

/** executor.fault-isolation: every file without a fault came out of the fault run exactly as inline made it. */
function faultIsolationCheck(fx: FixtureSet, faults: InjectedFaults, result: Settled<FaultRun>): Promise<Check> {
  return runCheck("executor.fault-isolation", "executor", () => {
    if (!result.ok) return { status: "fail", detail: `the fault run did not complete: ${faultError(result.error)}` };
    const { run, baseline } = result.value;
    const problems = accountingProblems(fx.files, run);
    fx.files.forEach((f, i) => {
      if (faults.byPath.has(f.path)) return;
      if (firstDifferingFile([run.results[i]!], [baseline.results[i]!]) !== null)
        problems.push(`${f.path}: result differs from inline although it had no fault`);
    });
    return verdict(
      problems,
      `${fx.files.length - faults.byPath.size} files without a fault came out exactly as inline; accounting holds`,
    );
  });
}

/** executor.recovers: after the faults, the same pool runs the files without a fault cleanly. */
function recoversCheck(
  fx: FixtureSet,
  faults: InjectedFaults,
  result: Settled<FaultRun>,
  deadlineMs: number,
): Promise<Check> {
  return runCheck("executor.recovers", "executor", async (): Promise<Verdict> => {
    if (!result.ok) return { status: "fail", detail: `the fault run did not complete: ${faultError(result.error)}` };
    const { pool, baseline } = result.value;
    const clean = fx.files.filter((f) => !faults.byPath.has(f.path));
    const again = await collect(pool, clean, deadlineMs, FAULT_GOVERNOR);
    const want = baseline.results.filter((r) => !faults.byPath.has(resultPath(r)));
    const diff = firstDifferingFile(again.results, want);
    return verdict(
      [...accountingProblems(clean, again), ...(diff ? [`after the faults, ${diff} differs from inline`] : [])],
      `the same pool then ran ${clean.length} files cleanly`,
    );
  });
}
