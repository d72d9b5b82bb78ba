import { writeFileSync } from "node:fs";
import { byPath, discover } from "../discover/discover.ts";
import { quotePath } from "../discover/pathBytes.ts";
import { skipRecordsJsonl } from "../discover/skipLog.ts";
import { describe } from "../discover/walk.ts";
import { chooseExecutor, type ExecutorChoice } from "../execute/choose.ts";
import type { Executor } from "../execute/executor.ts";
import { createLedger } from "../execute/ledger.ts";
import type { FaultSpec } from "../execute/faults.ts";
import { errorMessage, WeftError } from "../model/errors.ts";
import type { DiscoveredFile, DiscoveryOptions } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import { createEmitter, type Format } from "../output/formats.ts";
import { createProgress } from "../output/progress.ts";
import { createSink } from "../output/sink.ts";
import { formatSkips, formatSummary, type Summary } from "../output/summary.ts";
import { parserProblems } from "../languages/registry.ts";
import { exitCode, exitNow, type Outcome, type StopSignal } from "./exitCodes.ts";
import { openCacheDir } from "../cache/dir.ts";
import { cachedResult } from "../cache/entry.ts";
import { runKey } from "../cache/key.ts";
import { runCached, type Delivery } from "../cache/run.ts";
import { createEntryStore, type EntryStore } from "../cache/store.ts";

/** Everything `weft chunk` needs, already validated. */
export type ChunkOptions = {
  discovery: DiscoveryOptions;
  format: Format;
  executor: ExecutorChoice;
  /** Worker count (default: available cores). */
  workers?: number;
  /** Per-file timeout in the worker pool, ms (0 = none). */
  timeoutMs: number;
  quiet: boolean;
  summaryJson?: string;
  /** Write every skip (discovery's and the chunker's) to this file as JSON Lines. */
  skippedFile?: string;
  governor: Governor;
  /** Test-only fault hook, never set by the CLI. */
  faults?: readonly FaultSpec[];
  /** Where output goes (default 1, stdout). */
  outFd?: number;
  /** --cache DIR: reuse the records of files already chunked, bounded to maxBytes (--cache-max-size). */
  cache?: { dir: string; maxBytes: number };
};

type StopReason =
  { kind: "signal"; signal: StopSignal } | { kind: "output-closed" } | { kind: "output-error"; error: WeftError };

/**
 * Runs `weft chunk`: discover -> execute -> emit, then the summary and the accounting check.
 * Returns the outcome, which decides the exit code (exitCodes.ts); prints one line per failed file
 * on stderr. A report file that cannot be created throws a WeftError with code "usage".
 */
export async function runChunk(opts: ChunkOptions): Promise<Outcome> {
  const started = performance.now();
  // Report files are created up front, so a bad path costs a usage error, not the whole run's work.
  const reports = [
    { flag: "--summary-json", file: opts.summaryJson },
    { flag: "--skipped", file: opts.skippedFile },
  ];
  for (const { flag, file } of reports) if (file) writeReport(flag, file, "", "usage");
  let store: EntryStore | undefined;
  if (opts.cache) {
    try {
      store = createEntryStore(openCacheDir(opts.cache.dir), opts.cache.maxBytes);
    } catch (err) {
      if (!(err instanceof WeftError && err.code === "cache-refused")) throw err;
      process.stderr.write(`weft: ${errorMessage(err)}\n`);
      return { usage: true };
    }
  }
  // Each file is opened once: discovery only stats it, and the reader makes the content checks.
  const { files, skipped: discoverySkips } = discover({ ...opts.discovery, checkContent: false });
  const limits = { maxFileSize: opts.discovery.maxFileSize, skipMinified: opts.discovery.skipMinified };
  let executor: Executor | undefined;
  let reason = "";
  /** The executor for the files to chunk (with --cache, those the cache does not hold). */
  const executorFor = (toChunk: readonly DiscoveredFile[]): Executor => {
    // Parsers load before any file is chunked (and before workers start): one line per refused
    // directory or file, whatever --quiet says, since the files it affects are not chunked as asked.
    // With --cache, for every file too: ast-grep registers parsers once per process, and a cache
    // entry found corrupt later is recomputed on this thread.
    for (const error of parserProblems([...new Set(files.map((f) => f.language))]))
      process.stderr.write(`weft: ${error}\n`);
    const chosen = chooseExecutor(opts.executor, toChunk, {
      workers: opts.workers,
      timeoutMs: opts.timeoutMs,
      faults: opts.faults,
    });
    reason = chosen.reason;
    executor = chosen.executor; // set here, so it is closed even when the run throws
    return executor;
  };
  if (!store) executorFor(files);

  const controller = new AbortController();
  let stop: StopReason | undefined;
  const halt = (why: StopReason) => {
    if (stop) return;
    stop = why;
    controller.abort();
  };
  const onSignal = (signal: StopSignal) => {
    // A second Ctrl-C while we flush means "now".
    if (stop?.kind === "signal") exitNow({ signal });
    halt({ kind: "signal", signal });
  };
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);

  const sink = createSink(opts.outFd ?? 1, {
    onClosed: (error) => halt(error ? { kind: "output-error", error } : { kind: "output-closed" }),
  });
  // Output also goes out a few times a second, so a reader sees progress while a slow file runs.
  const flusher = setInterval(() => sink.flush(), 250);
  const emitter = createEmitter(opts.format, sink);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const progress = createProgress(files.length, totalBytes, !opts.quiet && process.stderr.isTTY === true);
  const ledger = createLedger(files);

  const onResult = (delivery: Delivery) => {
    if ("cached" in delivery) {
      ledger.recordCached(delivery.cached);
      if (opts.format === "jsonl") sink.writeBytes(delivery.cached.jsonl);
      else emitter.result(cachedResult(delivery.cached));
    } else {
      const { result, jsonl } = delivery;
      ledger.record(result);
      if (result.status === "failed" && !stop)
        progress.note(`weft: ${quotePath(result.failure.path)}: ${result.failure.message} [${result.failure.code}]\n`);
      if (jsonl !== undefined && opts.format === "jsonl") sink.write(jsonl);
      else emitter.result(result);
    }
    progress.update(ledger.delivered, ledger.bytes);
  };

  let runError: unknown;
  try {
    const options = { signal: controller.signal, limits };
    if (store) await runCached({ store, runKey: runKey(opts), executorFor }, files, opts.governor, onResult, options);
    else await executor!.run(files, opts.governor, (result) => onResult({ result }), options);
  } catch (err) {
    if (!(err instanceof WeftError && err.code === "interrupted" && stop)) runError = err;
  } finally {
    clearInterval(flusher);
    progress.end();
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
    if (executor) await closeQuietly(executor);
  }
  if (store && store.stats.written > 0) store.evict();
  emitter.end();
  sink.flush();
  const ended = stop as StopReason | undefined; // assigned in callbacks, which TypeScript cannot see
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
    chunks: ledger.chunks,
    bytes: ledger.bytes,
    seconds,
    mbPerSecond: ledger.bytes / 1e6 / Math.max(seconds, 1e-6),
    failures: [...ledger.failures],
    skips,
    degradations: [...ledger.degradations],
    unaccounted,
    ...(store && { cache: store.stats }),
  };

  let reportFailed = false;
  try {
    if (opts.summaryJson)
      writeReport("--summary-json", opts.summaryJson, `${JSON.stringify(summary, null, 2)}\n`, "report-write");
    if (opts.skippedFile) writeReport("--skipped", opts.skippedFile, skipRecordsJsonl(skips), "report-write");
  } catch (err) {
    process.stderr.write(`weft: ${errorMessage(err)}\n`);
    reportFailed = true;
  }
  if (reportFailed) result.internal = true;
  if (ended?.kind === "output-closed") return result; // the reader left: stop quietly
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
  }
  if (store) {
    const { corrupt, writeErrors, writeError, dir } = store.stats;
    if (corrupt > 0)
      process.stderr.write(`weft: cache ${dir}: ${corrupt} corrupt entries were detected, recomputed and rewritten\n`);
    if (writeErrors > 0)
      process.stderr.write(`weft: cache ${dir}: ${writeErrors} entries could not be written (${writeError})\n`);
  }
  if (!opts.quiet) process.stderr.write(`${skips.length > 0 ? formatSkips(skips) : ""}${formatSummary(summary)}`);
  return result;
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
