import * as v from "valibot";
import { loadParsers } from "../languages/registry.ts";
import { WeftError } from "../model/errors.ts";
import type { DiscoveredFile, ReadLimits } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import { describeIssues } from "../model/issues.ts";
import { rankTablesFor } from "../tokenize/encodings.ts";
import { failedResult, type FileResult } from "../model/result.ts";
import { emptyStats, type Executor, type RunOptions, type RunStats } from "./executor.ts";
import type { Fault, FaultSpec, PoolTestHooks } from "./faults.ts";
import { mainThreadCollector, MEMORY } from "./memory.ts";
import { WorkerRequestSchema, type WorkerRequest, type WorkerResponse } from "./protocol.ts";
import { startWorker, watchWorker, type WorkerLoss } from "./spawnWorker.ts";
import { tally } from "./tally.ts";

/** Pool settings; the test-only hooks (faults, another worker entry, deaf to deaths) are in faults.ts. */
export type PoolOptions = PoolTestHooks & {
  /** Number of workers (default: navigator.hardwareConcurrency). */
  workers?: number;
  /** A file with no result after this long has its worker stopped and is reported (0 = never). Default 30 s. */
  timeoutMs?: number;
  /** Input bytes per batch (default: the job spread over ~8 batches per worker, within 64 KiB..1 MiB). */
  batchBytes?: number;
  /** How far dispatch may run past the next file to emit, in input bytes and in files (defaults MEMORY.aheadBytes, 4096). */
  aheadBytes?: number;
  aheadFiles?: number;
  /** Input bytes after which a worker is replaced (default MEMORY.recycleWorkerBytes, 0 = never). */
  recycleBytes?: number;
  /** Files at least this big are never in flight two at a time (default MEMORY.exclusiveFileBytes). */
  bigFileBytes?: number;
  /** A worker that has not warmed up and answered `init` within this long is a start-up failure. Default 60 s. */
  startTimeoutMs?: number;
};

/** Consecutive worker start-up failures after which the run gives up instead of respawning forever. */
const MAX_START_FAILURES = 3;
/** Batches queued per worker: one running, one waiting, so a worker never idles between batches. */
const BATCHES_PER_WORKER = 2;
const MAX_BATCH_FILES = 512;
type Batch = { id: number; positions: number[]; next: number };
/**
 * A worker and what it was given; `fresh` until it gets its first batch. `given` counts the input
 * bytes sent to it; once `retiring`, it gets no more batches and is stopped when it has answered.
 */
type Slot = {
  worker: Worker;
  stop: () => void;
  ready: boolean;
  fresh: boolean;
  batches: Batch[];
  timer: Timer | undefined;
  given: number;
  retiring: boolean;
};

/** State of one run; positions index `files` (emission order). */
type Run = {
  files: readonly DiscoveredFile[];
  governor: Governor;
  limits: ReadLimits | undefined;
  onResult: (result: FileResult) => void | Promise<void>;
  resolve: (stats: RunStats) => void;
  reject: (err: unknown) => void;
  stats: RunStats;
  /** cum[p] = total size of files before position p, for the byte window. */
  cum: Float64Array;
  batchBytes: number;
  /** Next position never dispatched. */
  cursor: number;
  /** Positions to dispatch again (sorted), and those that must go alone because a worker died on them. */
  retry: number[];
  isolate: Set<number>;
  /** Worker deaths charged to a position. */
  deaths: Map<number, number>;
  faults: Map<number, FaultSpec>;
  /** Results waiting for their turn to be emitted. */
  done: Map<number, FileResult>;
  emitPos: number;
  /** Called with each emitted file's size: the main thread's collection cadence. */
  collect: (size: number) => void;
  emitting: boolean;
  finished: boolean;
  startFailures: number;
};

/**
 * The worker-pool executor. Files go out in byte-sized batches; each worker chunks its batches in
 * order and posts one message per file, so the pool always knows which file a worker is on: that
 * file is the one charged when the worker dies (retried once, alone, then failed) or times out
 * (reported, worker replaced). Results are emitted in file order through a reorder buffer, and
 * dispatch never runs more than `aheadBytes`/`aheadFiles` past the next file to emit, so a slow
 * early file bounds memory instead of letting results pile up.
 */
export function createPool(options: PoolOptions = {}): Executor {
  const size = Math.max(1, Math.floor(options.workers ?? navigator.hardwareConcurrency ?? 1));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const aheadBytes = options.aheadBytes ?? MEMORY.aheadBytes;
  const aheadFiles = options.aheadFiles ?? 4096;
  const recycleBytes = options.recycleBytes ?? MEMORY.recycleWorkerBytes;
  const bigFileBytes = options.bigFileBytes ?? MEMORY.exclusiveFileBytes;
  const slots = new Set<Slot>();
  let nextBatchId = 1;
  let closed = false;
  let run: Run | undefined;

  function spawn(r: Run): void {
    const worker = startWorker(options.workerUrl);
    const slot: Slot = {
      worker,
      stop: () => {},
      ready: false,
      fresh: true,
      batches: [],
      timer: undefined,
      given: 0,
      retiring: false,
    };
    slot.stop = watchWorker(worker, {
      onMessage: (msg) => onMessage(slot, msg),
      onLoss: (loss) => (options.ignoreWorkerLoss ? undefined : onLoss(slot, loss)),
    });
    slots.add(slot);
    postRequest(worker, { type: "init", governor: r.governor, rankTables: rankTablesFor(r.governor.tokenizer) });
    // A worker that never says it is ready counts as a start-up failure, like one that dies.
    slot.timer = setTimeout(
      () =>
        !slot.ready &&
        drop(slot, { code: "worker-died", message: `worker did not start within ${startTimeoutMs / 1000} s` }),
      startTimeoutMs,
    );
  }

  /** Stops a slot we no longer trust and deals with what it had in flight. */
  function drop(slot: Slot, loss: WorkerLoss): void {
    slot.stop();
    onLoss(slot, loss);
  }

  /** Validates a request before posting it: a malformed one is our bug, reported with the field at fault. */
  function postRequest(worker: Worker, req: WorkerRequest): void {
    const checked = v.safeParse(WorkerRequestSchema, req);
    if (!checked.success)
      throw new WeftError("protocol", `invalid request for a worker (${describeIssues(checked.issues)})`);
    worker.postMessage(req);
  }

  function onLoss(slot: Slot, loss: WorkerLoss): void {
    if (!slots.delete(slot)) return;
    clearTimeout(slot.timer);
    const r = run;
    if (!r || r.finished) return;
    if (!slot.ready && ++r.startFailures >= MAX_START_FAILURES) {
      return fail(r, new WeftError("worker-start", `workers cannot start (${loss.message}); try --executor inline`));
    }
    const [culprit, ...rest] = unfinished(slot);
    if (culprit !== undefined) {
      const deaths = (r.deaths.get(culprit) ?? 0) + 1;
      r.deaths.set(culprit, deaths);
      if (deaths >= 2)
        deliver(
          r,
          culprit,
          failure(r, culprit, loss.code, `${loss.message}; retried alone on a new worker, it failed again`),
        );
      else {
        r.isolate.add(culprit);
        requeue(r, [culprit]);
      }
    }
    requeue(r, rest);
    pump(r);
  }

  function onTimeout(slot: Slot): void {
    const r = run;
    if (!r || r.finished || !slots.has(slot)) return;
    const [culprit, ...rest] = unfinished(slot);
    slot.stop();
    slots.delete(slot);
    if (culprit !== undefined)
      deliver(
        r,
        culprit,
        failure(
          r,
          culprit,
          "timeout",
          `no result after ${timeoutMs / 1000} s (--timeout); its worker was stopped and replaced`,
        ),
      );
    requeue(r, rest);
    pump(r);
  }

  function onMessage(slot: Slot, msg: WorkerResponse): void {
    if (msg.type === "ready") {
      slot.ready = true;
      clearTimeout(slot.timer);
      slot.timer = undefined;
      if (run && !run.finished) {
        run.startFailures = 0;
        pump(run);
      }
      return;
    }
    const r = run;
    if (!r || r.finished)
      return drop(slot, { code: "protocol", message: `unexpected ${msg.type} message from an idle worker` });
    const batch = slot.batches[0];
    if (!batch || msg.batchId !== batch.id)
      return drop(slot, {
        code: "protocol",
        message: `${msg.type} message for batch ${msg.batchId}, expected ${batch?.id ?? "none"}`,
      });
    const pos = batch.positions[batch.next];
    if (msg.type === "result" || (msg.type === "error" && msg.index !== undefined)) {
      const index = msg.type === "result" ? msg.result.index : msg.index;
      if (pos === undefined || r.files[pos]!.index !== index)
        return drop(slot, {
          code: "protocol",
          message: `result for file #${index} out of order (expected #${pos === undefined ? "none" : r.files[pos]!.index})`,
        });
      batch.next++;
      slot.timer?.refresh();
      deliver(r, pos, msg.type === "result" ? msg.result : failure(r, pos, msg.code, msg.message));
    } else if (msg.type === "batch-done") {
      if (pos !== undefined || msg.count !== batch.positions.length)
        return drop(slot, {
          code: "protocol",
          message: `batch ended after ${batch.next} of ${batch.positions.length} results`,
        });
      slot.batches.shift();
      if (slot.batches.length === 0) {
        clearTimeout(slot.timer);
        slot.timer = undefined;
        // A stop we asked for: its listeners are silenced first, so the close is not taken for a death.
        if (slot.retiring) {
          slot.stop();
          slots.delete(slot);
          r.stats.recycled!++;
        }
      }
      pump(r);
    } else {
      // An error the worker could not pin on one file, or a reply we never asked for.
      drop(slot, {
        code: "protocol",
        message: msg.type === "error" ? `worker error (${msg.code}): ${msg.message}` : `unexpected ${msg.type} message`,
      });
    }
  }

  /** Positions a slot had been given but not answered, in order; the first is the one it was on. */
  function unfinished(slot: Slot): number[] {
    const out = slot.batches.flatMap((b) => b.positions.slice(b.next));
    slot.batches = [];
    return out;
  }

  function requeue(r: Run, positions: readonly number[]): void {
    if (positions.length === 0) return;
    r.retry.push(...positions);
    r.retry.sort((a, b) => a - b);
  }

  function failure(r: Run, pos: number, code: string, message: string): FileResult {
    return failedResult(r.files[pos]!, "execute", code, message);
  }

  /**
   * The next batch for a slot: a file a worker died on goes alone to a worker that has chunked
   * nothing yet (any worker when no fresh one exists); then other retries; then new files inside the
   * window.
   */
  function nextBatch(r: Run, slot: Slot): number[] {
    const isolated = r.retry.findIndex((p) => r.isolate.has(p));
    if (isolated !== -1 && (slot.fresh || ![...slots].some((s) => s.fresh))) return r.retry.splice(isolated, 1);
    const batch: number[] = [];
    let bytes = 0;
    let bigTaken = false;
    const fits = (p: number) => {
      const size = r.files[p]!.size;
      const big = size >= bigFileBytes;
      if (big && (bigTaken || bigInFlight(r))) return false;
      const ok = batch.length === 0 || (bytes + size <= r.batchBytes && batch.length < MAX_BATCH_FILES);
      if (ok && big) bigTaken = true;
      return ok;
    };
    for (let i = 0; i < r.retry.length;) {
      const p = r.retry[i]!;
      if (r.isolate.has(p)) {
        i++;
        continue;
      }
      if (!fits(p)) return batch;
      r.retry.splice(i, 1);
      batch.push(p);
      bytes += r.files[p]!.size;
    }
    if (batch.length > 0) return batch;
    while (r.cursor < r.files.length) {
      const p = r.cursor;
      // The file at emitPos is emitted the moment it is done; only the files after it can pile up.
      const ahead = p > r.emitPos && (p - r.emitPos > aheadFiles || r.cum[p + 1]! - r.cum[r.emitPos + 1]! > aheadBytes);
      if (ahead || !fits(p)) break;
      batch.push(p);
      bytes += r.files[p]!.size;
      r.cursor++;
    }
    return batch;
  }

  /** True while some worker holds a big file it has not answered yet. */
  function bigInFlight(r: Run): boolean {
    for (const slot of slots) {
      for (const b of slot.batches) {
        for (let i = b.next; i < b.positions.length; i++)
          if (r.files[b.positions[i]!]!.size >= bigFileBytes) return true;
      }
    }
    return false;
  }

  function send(r: Run, slot: Slot, positions: number[]): void {
    const batch: Batch = { id: nextBatchId++, positions, next: 0 };
    const faults: Fault[] = [];
    for (const p of positions) {
      const spec = r.faults.get(p);
      if (spec && (r.deaths.get(p) ?? 0) < (spec.attempts ?? Infinity))
        faults.push({ index: r.files[p]!.index, kind: spec.kind });
    }
    const req: WorkerRequest = {
      type: "chunk",
      batchId: batch.id,
      governor: r.governor,
      ...(r.limits && { limits: r.limits }),
      files: positions.map((p) => r.files[p]!),
      ...(faults.length > 0 && { faults }),
    };
    postRequest(slot.worker, req);
    slot.fresh = false;
    for (const p of positions) slot.given += r.files[p]!.size;
    if (recycleBytes > 0 && slot.given >= recycleBytes) slot.retiring = true;
    slot.batches.push(batch);
    if (timeoutMs > 0 && !slot.timer) slot.timer = setTimeout(() => onTimeout(slot), timeoutMs);
  }

  /** Keeps `size` workers alive and each ready one fed; detects a run that can no longer progress. */
  function pump(r: Run): void {
    if (r.finished) return;
    try {
      while (slots.size < size) spawn(r);
      for (const slot of slots) {
        if (!slot.ready || slot.retiring) continue;
        while (slot.batches.length < BATCHES_PER_WORKER) {
          const positions = nextBatch(r, slot);
          if (positions.length === 0) break;
          send(r, slot, positions);
        }
      }
    } catch (err) {
      return fail(r, err);
    }
    const busy = [...slots].some((s) => s.batches.length > 0 || !s.ready);
    if (!busy && !r.emitting && r.emitPos < r.files.length && !r.done.has(r.emitPos)) {
      fail(
        r,
        new WeftError("lost", `executor stalled: no result for ${r.files[r.emitPos]!.path}`, r.files[r.emitPos]!.path),
      );
    }
  }

  function deliver(r: Run, pos: number, result: FileResult): void {
    r.done.set(pos, result);
    const waiting = r.done.size - (r.done.has(r.emitPos) ? 1 : 0); // the head goes straight out
    if (waiting > r.stats.peakBuffered!) r.stats.peakBuffered = waiting;
    if (!r.emitting && pos === r.emitPos) void emit(r);
  }

  /** Emits, in order, every result whose turn has come; waits for the consumer when it returns a promise. */
  async function emit(r: Run): Promise<void> {
    r.emitting = true;
    try {
      while (!r.finished && r.done.has(r.emitPos)) {
        const result = r.done.get(r.emitPos)!;
        r.done.delete(r.emitPos);
        const file = r.files[r.emitPos]!;
        tally(r.stats, file.size, result);
        r.emitPos++;
        const pending = r.onResult(result);
        if (pending) await pending;
        // After onResult: the consumer's serialization is most of the garbage.
        r.collect(file.size);
      }
    } catch (err) {
      return fail(r, err);
    } finally {
      r.emitting = false;
    }
    if (r.finished) return;
    if (r.emitPos === r.files.length) return finish(r);
    pump(r);
  }

  function finish(r: Run): void {
    r.finished = true;
    run = undefined;
    for (const slot of slots) slot.worker.unref();
    r.resolve(r.stats);
  }

  function fail(r: Run, err: unknown): void {
    if (r.finished) return;
    r.finished = true;
    run = undefined;
    stopAll();
    r.reject(err);
  }

  function stopAll(): void {
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.stop();
    }
    slots.clear();
  }

  return {
    kind: "workers",
    workers: size,
    run(files, governor, onResult, runOptions: RunOptions = {}) {
      if (closed) return Promise.reject(new WeftError("internal", "the worker pool is closed"));
      if (run) return Promise.reject(new WeftError("internal", "the worker pool is already running"));
      const stats: RunStats = { ...emptyStats("workers", size, files.length), peakBuffered: 0, recycled: 0 };
      if (files.length === 0) return Promise.resolve(stats);
      // Registration is process-global and allowed once: it must happen here, before any worker exists.
      loadParsers([...new Set(files.map((f) => f.language))]);
      return new Promise<RunStats>((resolve, reject) => {
        const cum = new Float64Array(files.length + 1);
        files.forEach((f, i) => (cum[i + 1] = cum[i]! + f.size));
        const total = cum[files.length]!;
        const byPath = new Map(options.faults?.map((f) => [f.path, f]));
        const faults = new Map<number, FaultSpec>();
        if (byPath.size > 0) files.forEach((f, i) => byPath.has(f.path) && faults.set(i, byPath.get(f.path)!));
        const r: Run = {
          files,
          governor,
          limits: runOptions.limits,
          onResult,
          resolve,
          reject,
          stats,
          cum,
          batchBytes: options.batchBytes ?? Math.min(2 ** 20, Math.max(2 ** 16, total / (size * 8))),
          cursor: 0,
          retry: [],
          isolate: new Set(),
          deaths: new Map(),
          faults,
          done: new Map(),
          emitPos: 0,
          collect: mainThreadCollector(),
          emitting: false,
          finished: false,
          startFailures: 0,
        };
        run = r;
        const signal = runOptions.signal;
        if (signal) {
          const onAbort = () => fail(r, new WeftError("interrupted", "run interrupted"));
          if (signal.aborted) return onAbort();
          signal.addEventListener("abort", onAbort, { once: true });
          const done = () => signal.removeEventListener("abort", onAbort);
          r.resolve = (s) => (done(), resolve(s));
          r.reject = (e) => (done(), reject(e));
        }
        for (const slot of slots) slot.worker.ref();
        pump(r);
      });
    },
    async close() {
      closed = true;
      if (run) fail(run, new WeftError("interrupted", "the worker pool was closed during a run"));
      stopAll();
    },
  };
}
