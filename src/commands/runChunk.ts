import { writeFileSync } from "node:fs";
import { byPath, discover } from "../discover/discover.ts";
import { quotePath } from "../discover/pathBytes.ts";
import { skipRecordsJsonl } from "../discover/skipLog.ts";
import { describe } from "../discover/walk.ts";
import { chooseExecutor } from "../execute/choose.ts";
import { createPool } from "../execute/pool.ts";
import type { Executor } from "../execute/executor.ts";
import { createLedger, type Ledger } from "../execute/ledger.ts";
import { errorMessage, WeftError } from "../model/errors.ts";
import { isInterrupted } from "../model/interrupt.ts";
import { watchSignals } from "../tree/parseTree.ts";
import type { ChunkOptions } from "../model/chunkOptions.ts";
import type { DiscoveredFile, ReadLimits, SkipRecord } from "../model/file.ts";
import { createEmitter } from "../output/formats.ts";
import type { Emitter } from "../output/emitter.ts";
import { createProgress, type Progress } from "../output/progress.ts";
import { createSink, type Sink } from "../output/sink.ts";
import { formatSkips, formatSummary, type Summary } from "../output/summary.ts";
import { parserProblems } from "../languages/registry.ts";
import { exitCode, exitNow, type Outcome, type StopSignal } from "./exitCodes.ts";
import { ownDirs } from "./ownDirs.ts";
import { openCacheDir } from "../cache/dir.ts";
import { cachedResult } from "../cache/entry.ts";
import { runKey } from "../cache/key.ts";
import { planCached, runCached, type Delivery } from "../cache/run.ts";
import { createEntryStore, type EntryStore } from "../cache/store.ts";

type StopReason =
  { kind: "signal"; signal: StopSignal } | { kind: "output-closed" } | { kind: "output-error"; error: WeftError };

/** Why a run stops early: `why` is set once, by the first signal or the output closing, which aborts `controller`. */
type Stops = { readonly controller: AbortController; why: StopReason | undefined };

/** What discovery found, and the limits the reader checks (discovery only stats files). */
type Found = { files: DiscoveredFile[]; discoverySkips: SkipRecord[]; limits: ReadLimits };

/** The executor for the files to chunk, why it was chosen, and the parser problems it put on stderr. */
type Choice = { executor: Executor; reason: string; announced: readonly string[] };

/**
 * One run's state, made in one place (startRun) and handed to each phase: the options, what was
 * found, the cache, why the run stopped early (if it did), and where results go.
 */
type Run = {
  readonly opts: ChunkOptions;
  readonly started: number;
  readonly store: EntryStore | undefined;
  readonly found: Found;
  readonly stops: Stops;
  readonly listeners: { readonly SIGINT: () => void; readonly SIGTERM: () => void };
  /** Stops the tree reader's watch for signals (see watchSignals), when it watches. */
  readonly unwatch: (() => void) | undefined;
  readonly sink: Sink;
  readonly flusher: ReturnType<typeof setInterval>;
  readonly emitter: Emitter;
  readonly progress: Progress;
  readonly ledger: Ledger;
};

/** How execution ended: the executor that ran (none when the run stopped before one was chosen), and an error it ended with. */
type Executed = { choice: Choice | undefined; runError: unknown };

/** The facts of a finished run: its summary, its exit-code outcome, and the losses the ledger found. */
type Summarized = {
  summary: Summary;
  result: Outcome;
  ended: StopReason | undefined;
  runError: unknown;
  unaccounted: string[];
  duplicates: readonly string[];
};

/**
 * Runs `weft chunk` as phases: reports, cache, discover -> choose executor -> execute -> summarize ->
 * reports and stderr. Returns the outcome, which decides the exit code (exitCodes.ts); prints one line
 * per failed file on stderr. A report file that cannot be created throws a WeftError with code "usage".
 */
export async function runChunk(opts: ChunkOptions): Promise<Outcome> {
  const started = performance.now();
  createReports(opts);
  const cache = openCache(opts);
  if ("refused" in cache) return { usage: true };
  const found = discoverFiles(opts, cache.store);
  // Without --cache the executor is chosen now, before signals are watched; with it, once the cache took its share.
  const chosen = cache.store ? undefined : choose(opts, found.files, found.files);
  const run = startRun(opts, started, cache.store, found);
  const executed = await execute(run, chosen);
  finishOutput(run);
  const summarized = summarize(run, executed);
  // A report that cannot be written is an internal error, after the summary's own exit code was decided.
  const written = writeReports(opts, summarized.summary);
  const result = written ? summarized.result : { ...summarized.result, internal: true };
  if (summarized.ended?.kind === "output-closed") return result; // the reader left: stop quietly
  reportOnStderr(run, executed, summarized);
  return result;
}

/** Creates the report files up front, so a bad path costs a usage error, not the whole run's work. */
function createReports(opts: ChunkOptions): void {
  const reports = [
    { flag: "--summary-json", file: opts.summaryJson },
    { flag: "--skipped", file: opts.skippedFile },
  ];
  for (const { flag, file } of reports) if (file) writeReport(flag, file, "", "usage");
}

/** The --cache entry store (none without --cache); a refused directory is one line on stderr. */
function openCache(opts: ChunkOptions): { store: EntryStore | undefined } | { refused: true } {
  if (!opts.cache) return { store: undefined };
  try {
    return { store: createEntryStore(openCacheDir(opts.cache.dir), opts.cache.maxBytes) };
  } catch (err) {
    if (!(err instanceof WeftError && err.code === "cache-refused")) throw err;
    process.stderr.write(`weft: ${errorMessage(err)}\n`);
    return { refused: true };
  }
}

/** The files to chunk and the skips, from discovery. */
function discoverFiles(opts: ChunkOptions, store: EntryStore | undefined): Found {
  // Each file is opened once: discovery only stats it, and the reader makes the content checks.
  // weft's own caches inside the tree are left out like .git: chunking them grows the output each run.
  const leaveOut = ownDirs(opts.discovery, store?.stats.dir);
  const { files, skipped: discoverySkips } = discover({ ...opts.discovery, checkContent: false, leaveOut });
  const limits = { maxFileSize: opts.discovery.maxFileSize, skipMinified: opts.discovery.skipMinified };
  return { files, discoverySkips, limits };
}

/** Loads the parsers of `files` (their problems on stderr) and chooses the executor for `toChunk` (with --cache, the files the cache does not hold). */
function choose(opts: ChunkOptions, files: readonly DiscoveredFile[], toChunk: readonly DiscoveredFile[]): Choice {
  // Parsers load before any file is chunked (and before workers start): one line per refused
  // directory or file, whatever --quiet says, since the files it affects are not chunked as asked.
  // With --cache, for every file too: ast-grep registers parsers once per process, and a cache
  // entry found corrupt later is recomputed (on this thread, or a worker of its own if big).
  const announced = parserProblems([...new Set(files.map((f) => f.language))]);
  for (const error of announced) process.stderr.write(`weft: ${error}\n`);
  const { executor, reason } = chooseExecutor(opts.executor, toChunk, {
    workers: opts.workers,
    timeoutMs: opts.timeoutMs,
    faults: opts.faults,
  });
  return { executor, reason, announced };
}

/** The run state: SIGINT and SIGTERM watched, the sink (flushed a few times a second), emitter, progress bar and ledger. */
function startRun(opts: ChunkOptions, started: number, store: EntryStore | undefined, found: Found): Run {
  const stops: Stops = { controller: new AbortController(), why: undefined };
  const onSignal = (signal: StopSignal) => {
    // A second Ctrl-C while we flush means "now".
    if (stops.why?.kind === "signal") exitNow({ signal });
    halt(stops, { kind: "signal", signal });
  };
  const listeners = { SIGINT: () => onSignal("SIGINT"), SIGTERM: () => onSignal("SIGTERM") };
  process.on("SIGINT", listeners.SIGINT);
  process.on("SIGTERM", listeners.SIGTERM);
  // After the listeners (whose handlers it runs before): a big file chunked on this thread, inline
  // or a corrupt cache entry's, then stops when a signal comes instead of after the file.
  const unwatch = watchSignals();

  const sink = createSink(opts.outFd ?? 1, {
    onClosed: (error) => halt(stops, error ? { kind: "output-error", error } : { kind: "output-closed" }),
  });
  // Output also goes out a few times a second, so a reader sees progress while a slow file runs.
  const flusher = setInterval(() => sink.flush(), 250);
  const emitter = createEmitter(opts.format, sink);
  const { files } = found;
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const progress = createProgress(files.length, totalBytes, !opts.quiet && process.stderr.isTTY === true);
  const ledger = createLedger(files);
  return { opts, started, store, found, stops, listeners, unwatch, sink, flusher, emitter, progress, ledger };
}

/** Stops the run for `why`, unless it was stopped already (the first reason stands). */
function halt(stops: Stops, why: StopReason): void {
  if (stops.why) return;
  stops.why = why;
  stops.controller.abort();
}

/**
 * Chunks the files: through the cache when there is one (plan, then choose the executor for the
 * misses), else on `chosen`. Never throws: the error the run ended with is returned, and an
 * interruption after a stop is no error. The executor is closed and the signals unwatched at the end.
 */
async function execute(run: Run, chosen: Choice | undefined): Promise<Executed> {
  const { opts, store, stops } = run;
  const { files, limits } = run.found;
  let choice = chosen;
  let runError: unknown;
  try {
    const options = { signal: stops.controller.signal, limits };
    if (store) {
      const plan = await planCached(store, runKey(opts), files, options);
      choice = choose(opts, files, plan.misses);
      // A corrupt entry of a big file is chunked on a worker of its own, unless inline was asked for.
      const recomputeOn =
        opts.executor === "inline"
          ? undefined
          : () => createPool({ workers: 1, timeoutMs: opts.timeoutMs, faults: opts.faults });
      await runCached(
        { store, executor: choice.executor, recomputeOn },
        plan,
        opts.governor,
        (delivery) => deliver(run, delivery),
        options,
      );
    } else if (choice)
      // without --cache, chosen up front (runChunk)
      await choice.executor.run(files, opts.governor, (result) => deliver(run, { result }), options);
  } catch (err) {
    // A file stopped by a signal that the reader noted: the signal's listener runs once the event
    // loop turns, and the run ends as interrupted by it.
    if (isInterrupted(err) && !stops.why) await Bun.sleep(0);
    if (!(isInterrupted(err) && stops.why)) runError = err;
  } finally {
    // A signal that came while the last file was chunked on this thread is queued: one turn of the
    // event loop delivers it before the handlers go, so the run still ends as interrupted.
    await Bun.sleep(0);
    clearInterval(run.flusher);
    run.progress.end();
    run.unwatch?.();
    process.off("SIGINT", run.listeners.SIGINT);
    process.off("SIGTERM", run.listeners.SIGTERM);
    if (choice) await closeQuietly(choice.executor);
  }
  return { choice, runError };
}

/** One file's outcome to the ledger, the output and the progress bar; a failure noted on stderr unless the run stopped. */
function deliver(run: Run, delivery: Delivery): void {
  const { opts, ledger, sink, emitter, progress } = run;
  if ("cached" in delivery) {
    ledger.recordCached(delivery.cached);
    if (opts.format === "jsonl") sink.writeBytes(delivery.cached.jsonl);
    else emitter.result(cachedResult(delivery.cached));
  } else {
    const { result, jsonl } = delivery;
    ledger.record(result);
    if (result.status === "failed" && !run.stops.why)
      progress.note(`weft: ${quotePath(result.failure.path)}: ${result.failure.message} [${result.failure.code}]\n`);
    if (jsonl !== undefined && opts.format === "jsonl") sink.write(jsonl);
    else emitter.result(result);
  }
  progress.update(ledger.delivered, ledger.bytes);
}

/** Evicts over the cache bound, ends the output and flushes it (which may find stdout closed). */
function finishOutput(run: Run): void {
  if (run.store && run.store.stats.written > 0) run.store.evict();
  run.emitter.end();
  run.sink.flush();
}

/** The summary and outcome of a finished run, with the accounting check (read once the output was flushed). */
function summarize(run: Run, executed: Executed): Summarized {
  const { opts, store, ledger, started } = run;
  const { files, discoverySkips } = run.found;
  const { choice } = executed;
  const executor = choice?.executor;
  const reason = choice?.reason ?? "";
  const ended = run.stops.why;
  let { runError } = executed;
  if (ended?.kind === "output-error") runError ??= ended.error;

  const unaccounted = runError || ended ? [] : ledger.unaccounted();
  const { duplicates } = ledger;
  // Both lists are in path order; merged, they are in the order discovery alone would give.
  const skips = mergeByPath(discoverySkips, ledger.skips);
  const seconds = (performance.now() - started) / 1000;
  const outcome: Summary["outcome"] = runError
    ? "error"
    : ended?.kind === "signal"
      ? "interrupted"
      : ended
        ? "output-closed"
        : "complete";
  const result: Outcome = {
    internal: Boolean(runError) || unaccounted.length > 0 || duplicates.length > 0,
    ...(ended?.kind === "signal" && { signal: ended.signal }),
    outputClosed: ended?.kind === "output-closed",
    failed: ledger.failures.length > 0,
    degraded: ledger.degradations.length > 0,
  };
  const summary: Summary = {
    outcome,
    exitCode: exitCode(result),
    executor: executor?.kind ?? "inline",
    executorReason: reason,
    workers: executor?.workers ?? 0,
    submitted: files.length + discoverySkips.length,
    chunked: ledger.chunked,
    skipped: skips.length,
    failed: ledger.failures.length,
    degraded: ledger.degradations.length,
    invalidUtf8: ledger.invalidUtf8,
    recovered: ledger.recoveries.length,
    chunks: ledger.chunks,
    bytes: ledger.bytes,
    seconds,
    mbPerSecond: ledger.bytes / 1e6 / Math.max(seconds, 1e-6),
    failures: [...ledger.failures],
    skips,
    degradations: [...ledger.degradations],
    recoveries: [...ledger.recoveries],
    unaccounted,
    ...(store && { cache: store.stats }),
  };
  return { summary, result, ended, runError, unaccounted, duplicates };
}

/** Writes --summary-json and --skipped; returns false when one could not be written (said on stderr). */
function writeReports(opts: ChunkOptions, summary: Summary): boolean {
  try {
    if (opts.summaryJson)
      writeReport("--summary-json", opts.summaryJson, `${JSON.stringify(summary, null, 2)}\n`, "report-write");
    if (opts.skippedFile) writeReport("--skipped", opts.skippedFile, skipRecordsJsonl(summary.skips), "report-write");
  } catch (err) {
    process.stderr.write(`weft: ${errorMessage(err)}\n`);
    return false;
  }
  return true;
}

/** The run's end on stderr: its error, any loss, an interruption, degraded files, cache trouble, then skips and summary unless --quiet. */
function reportOnStderr(run: Run, executed: Executed, summarized: Summarized): void {
  const { opts, store, ledger } = run;
  const { files } = run.found;
  const announced = executed.choice?.announced ?? [];
  const { summary, ended, runError, unaccounted, duplicates } = summarized;
  const { skips } = summary;
  if (runError) process.stderr.write(`weft: ${errorMessage(runError)}\n`);
  if (unaccounted.length > 0) {
    process.stderr.write(
      `weft: internal error: ${unaccounted.length} of ${summary.submitted} files have no result (submitted != chunked + skipped + failed): ${listSome(unaccounted)}\n`,
    );
  }
  if (duplicates.length > 0)
    process.stderr.write(
      `weft: internal error: results delivered twice or for unknown files: ${listSome(duplicates)}\n`,
    );
  if (ended?.kind === "signal")
    process.stderr.write(
      `weft: interrupted by ${ended.signal} after ${ledger.delivered} of ${files.length} files; output so far was flushed\n`,
    );
  if (summary.degraded > 0) {
    process.stderr.write(
      `weft: ${summary.degraded} of ${files.length} files were not chunked as asked (their parser could not be loaded; delimiter rules were used): ${listSome(summary.degradations.map((d) => d.path))}\n`,
    );
    const causes = new Set(summary.degradations.map((d) => d.reason));
    for (const cause of causes) if (!announced.some((e) => cause.includes(e))) process.stderr.write(`weft: ${cause}\n`);
  }
  if (store) {
    const { corrupt, corruptFirst, repaired, writeErrors, writeError, dir } = store.stats;
    if (corrupt > 0) {
      const rewritten = repaired === corrupt ? " and rewritten" : `; ${repaired} of them rewritten`;
      process.stderr.write(
        `weft: cache ${dir}: ${corrupt} corrupt entries were detected, recomputed (never emitted)${rewritten} (first: ${corruptFirst})\n`,
      );
    }
    if (writeErrors > 0)
      process.stderr.write(`weft: cache ${dir}: ${writeErrors} entries could not be written (${writeError})\n`);
  }
  if (!opts.quiet)
    process.stderr.write(`${skips.length > 0 ? formatSkips(skips, opts.skippedFile) : ""}${formatSummary(summary)}`);
}

/** Writes a report file named by `flag`; an error names the flag and file, with `code` (usage when checked up front). */
function writeReport(flag: string, file: string, text: string, code: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new WeftError(code, `cannot write ${flag} file: ${describe(err)}`, file);
  }
}

/** Two lists sorted by path merged into one (stable: `a` first on equal paths). */
function mergeByPath<T extends { path: string }>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length)
    out.push(j >= b.length || (i < a.length && byPath(a[i]!, b[j]!) <= 0) ? a[i++]! : b[j++]!);
  return out;
}

/** Up to ten paths, quoted for a terminal, and how many more. */
function listSome(paths: readonly string[]): string {
  const shown = paths.slice(0, 10).map(quotePath).join(", ");
  return paths.length <= 10 ? shown : `${shown} and ${paths.length - 10} more`;
}

async function closeQuietly(executor: Executor): Promise<void> {
  try {
    await executor.close();
  } catch {
    // Closing only terminates workers; a failure here cannot lose output.
  }
}
