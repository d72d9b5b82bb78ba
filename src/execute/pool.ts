import * as v from "valibot";
import { loadParsers } from "../languages/registry.ts";
import { WeftError } from "../model/errors.ts";
import type { DiscoveredFile, ReadLimits } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import { describeIssues } from "../model/issues.ts";
import { failedResult, type FileResult } from "../model/result.ts";
import { rankTablesFor } from "../tokenize/encodings.ts";
import { createDispatch, nextBatch, requeue, requeueAlone, type Dispatch, type Recipient } from "./dispatch.ts";
import { emptyStats, type Executor, type RunOptions, type RunStats } from "./executor.ts";
import type { Fault, FaultSpec, PoolTestHooks } from "./faults.ts";
import { MEMORY } from "./memory.ts";
import { WorkerRequestSchema, type WorkerRequest, type WorkerResponse } from "./protocol.ts";
import { createReorder, type Reorder } from "./reorder.ts";
import type { WorkerLoss } from "./spawnWorker.ts";
import { clearSlotTimer, openSlot, readReply, unfinished, type Batch, type Slot } from "./workerSlot.ts";

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

/** State of one run; positions index `files` (emission order). */
type Run = {
  files: readonly DiscoveredFile[];
  governor: Governor;
  limits: ReadLimits | undefined;
  resolve: (stats: RunStats) => void;
  reject: (err: unknown) => void;
  stats: RunStats;
  dispatch: Dispatch;
  reorder: Reorder;
  /** Worker deaths charged to a position. */
  deaths: Map<number, number>;
  faults: Map<number, FaultSpec>;
  finished: boolean;
  startFailures: number;
};

/**
 * The worker-pool executor. Files go out in byte-sized batches (dispatch.ts); each worker chunks its
 * batches in order and posts one message per file (workerSlot.ts), so the pool always knows which
 * file a worker is on: that file is the one charged when the worker dies (retried once, alone, then
 * failed) or times out (reported, worker replaced). Results are emitted in file order through a
 * reorder buffer (reorder.ts), and dispatch never runs more than `aheadBytes`/`aheadFiles` past the
 * next file to emit, so a slow early file bounds memory instead of letting results pile up. This
 * module keeps the workers alive and fed, and decides what a loss or a timeout costs.
 */
export function createPool(options: PoolOptions = {}): Executor {
  const size = Math.max(1, Math.floor(options.workers ?? navigator.hardwareConcurrency ?? 1));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const recycleBytes = options.recycleBytes ?? MEMORY.recycleWorkerBytes;
  const slots = new Set<Slot>();
  let nextBatchId = 1;
  let closed = false;
  let run: Run | undefined;

  function spawn(r: Run): void {
    const slot = openSlot(options.workerUrl, (slot) => ({
      onMessage: (msg) => onMessage(slot, msg),
      onLoss: (loss) => (options.ignoreWorkerLoss ? undefined : onLoss(slot, loss)),
    }));
    slots.add(slot);
    postRequest(slot.worker, {
      type: "init",
      governor: r.governor,
      rankTables: rankTablesFor(r.governor.tokenizer),
    });
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
        r.reorder.deliver(
          culprit,
          failure(r, culprit, loss.code, `${loss.message}; retried alone on a new worker, it failed again`),
        );
      else requeueAlone(r.dispatch, culprit);
    }
    requeue(r.dispatch, rest);
    pump(r);
  }

  function onTimeout(slot: Slot): void {
    const r = run;
    if (!r || r.finished || !slots.has(slot)) return;
    const [culprit, ...rest] = unfinished(slot);
    slot.stop();
    slots.delete(slot);
    if (culprit !== undefined)
      r.reorder.deliver(
        culprit,
        failure(
          r,
          culprit,
          "timeout",
          `no result after ${timeoutMs / 1000} s (--timeout); its worker was stopped and replaced`,
        ),
      );
    requeue(r.dispatch, rest);
    pump(r);
  }

  function onMessage(slot: Slot, msg: WorkerResponse): void {
    if (msg.type === "ready") {
      slot.ready = true;
      clearSlotTimer(slot);
      if (run && !run.finished) {
        run.startFailures = 0;
        pump(run);
      }
      return;
    }
    const r = run;
    if (!r || r.finished)
      return drop(slot, { code: "protocol", message: `unexpected ${msg.type} message from an idle worker` });
    const reply = readReply(slot, msg, (pos) => r.files[pos]!.index);
    switch (reply.kind) {
      case "loss":
        return drop(slot, reply.loss);
      case "file":
      case "file-error":
        slot.timer?.refresh();
        return r.reorder.deliver(
          reply.pos,
          reply.kind === "file" ? reply.result : failure(r, reply.pos, reply.code, reply.message),
        );
      case "batch-done":
        if (slot.batches.length === 0) {
          clearSlotTimer(slot);
          // A stop we asked for: its listeners are silenced first, so the close is not taken for a death.
          if (slot.retiring) {
            slot.stop();
            slots.delete(slot);
            r.stats.recycled!++;
          }
        }
        return pump(r);
    }
  }

  function failure(r: Run, pos: number, code: string, message: string): FileResult {
    return failedResult(r.files[pos]!, "execute", code, message);
  }

  /** What dispatch needs to know of the pool to fill a batch for this slot. */
  function recipient(r: Run, slot: Slot): Recipient {
    return {
      fresh: slot.fresh,
      anyFresh: () => [...slots].some((s) => s.fresh),
      bigInFlight: () => {
        for (const s of slots)
          for (const b of s.batches)
            for (let i = b.next; i < b.positions.length; i++)
              if (r.files[b.positions[i]!]!.size >= r.dispatch.bigFileBytes) return true;
        return false;
      },
    };
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
          const positions = nextBatch(r.dispatch, r.reorder.next, recipient(r, slot));
          if (positions.length === 0) break;
          send(r, slot, positions);
        }
      }
    } catch (err) {
      return fail(r, err);
    }
    const busy = [...slots].some((s) => s.batches.length > 0 || !s.ready);
    const head = r.reorder.missingHead();
    if (!busy && head !== undefined) {
      fail(r, new WeftError("lost", `executor stalled: no result for ${r.files[head]!.path}`, r.files[head]!.path));
    }
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
        const byPath = new Map(options.faults?.map((f) => [f.path, f]));
        const faults = new Map<number, FaultSpec>();
        if (byPath.size > 0) files.forEach((f, i) => byPath.has(f.path) && faults.set(i, byPath.get(f.path)!));
        const r: Run = {
          files,
          governor,
          limits: runOptions.limits,
          resolve,
          reject,
          stats,
          dispatch: createDispatch(files, {
            workers: size,
            batchBytes: options.batchBytes,
            aheadBytes: options.aheadBytes ?? MEMORY.aheadBytes,
            aheadFiles: options.aheadFiles ?? 4096,
            bigFileBytes: options.bigFileBytes ?? MEMORY.exclusiveFileBytes,
          }),
          reorder: createReorder(files, stats, {
            onResult,
            ended: () => r.finished,
            onAllEmitted: () => finish(r),
            onWaiting: () => pump(r),
            onError: (err) => fail(r, err),
          }),
          deaths: new Map(),
          faults,
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
