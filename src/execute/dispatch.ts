import type { DiscoveredFile } from "../model/file.ts";

/** Most files in one batch. */
const MAX_BATCH_FILES = 512;

/**
 * What the pool has still to send, by position in `files` (emission order): new files from
 * `cursor` on, and files to send again (`retry`, sorted), of which those a worker died on must go
 * alone (`isolate`).
 */
export type Dispatch = {
  readonly files: readonly DiscoveredFile[];
  /** cum[p] = total size of files before position p, for the byte window. */
  readonly cum: Float64Array;
  readonly batchBytes: number;
  readonly aheadBytes: number;
  readonly aheadFiles: number;
  readonly bigFileBytes: number;
  /** Next position never dispatched. */
  cursor: number;
  retry: number[];
  isolate: Set<number>;
};

/** Sizes of batches and of the window; `batchBytes` defaults to the job spread over ~8 batches per worker, within 64 KiB..1 MiB. */
export type DispatchLimits = {
  workers: number;
  batchBytes?: number;
  aheadBytes: number;
  aheadFiles: number;
  bigFileBytes: number;
};

/** A dispatch of every file, none sent yet. */
export function createDispatch(files: readonly DiscoveredFile[], limits: DispatchLimits): Dispatch {
  const cum = new Float64Array(files.length + 1);
  files.forEach((f, i) => (cum[i + 1] = cum[i]! + f.size));
  const total = cum[files.length]!;
  return {
    files,
    cum,
    batchBytes: limits.batchBytes ?? Math.min(2 ** 20, Math.max(2 ** 16, total / (limits.workers * 8))),
    aheadBytes: limits.aheadBytes,
    aheadFiles: limits.aheadFiles,
    bigFileBytes: limits.bigFileBytes,
    cursor: 0,
    retry: [],
    isolate: new Set(),
  };
}

/** Puts positions back to be sent again, in order. */
export function requeue(d: Dispatch, positions: readonly number[]): void {
  if (positions.length === 0) return;
  d.retry.push(...positions);
  d.retry.sort((a, b) => a - b);
}

/** Puts back a position a worker died on: it will go alone, to a worker that has chunked nothing yet. */
export function requeueAlone(d: Dispatch, pos: number): void {
  d.isolate.add(pos);
  requeue(d, [pos]);
}

/** What dispatch needs to know of the pool when it fills a batch (asked only when it matters). */
export type Recipient = {
  /** The recipient has chunked nothing yet. */
  fresh: boolean;
  /** Some worker of the pool has chunked nothing yet. */
  anyFresh(): boolean;
  /** Some worker holds a big file it has not answered yet. */
  bigInFlight(): boolean;
};

/**
 * The next batch for a worker, given the position of the next file to emit: a file a worker died
 * on goes alone to a worker that has chunked nothing yet (any worker when no fresh one exists);
 * then other retries; then new files inside the window (`aheadBytes`/`aheadFiles` past the next
 * file to emit). Big files are never in flight two at a time. Empty when nothing may go now.
 */
export function nextBatch(d: Dispatch, emitPos: number, to: Recipient): number[] {
  const isolated = d.retry.findIndex((p) => d.isolate.has(p));
  if (isolated !== -1 && (to.fresh || !to.anyFresh())) return d.retry.splice(isolated, 1);
  const batch: number[] = [];
  let bytes = 0;
  let bigTaken = false;
  const fits = (p: number) => {
    const size = d.files[p]!.size;
    const big = size >= d.bigFileBytes;
    if (big && (bigTaken || to.bigInFlight())) return false;
    const ok = batch.length === 0 || (bytes + size <= d.batchBytes && batch.length < MAX_BATCH_FILES);
    if (ok && big) bigTaken = true;
    return ok;
  };
  for (let i = 0; i < d.retry.length;) {
    const p = d.retry[i]!;
    if (d.isolate.has(p)) {
      i++;
      continue;
    }
    if (!fits(p)) return batch;
    d.retry.splice(i, 1);
    batch.push(p);
    bytes += d.files[p]!.size;
  }
  if (batch.length > 0) return batch;
  while (d.cursor < d.files.length) {
    const p = d.cursor;
    // The file at emitPos is emitted the moment it is done; only the files after it can pile up.
    const ahead = p > emitPos && (p - emitPos > d.aheadFiles || d.cum[p + 1]! - d.cum[emitPos + 1]! > d.aheadBytes);
    if (ahead || !fits(p)) break;
    batch.push(p);
    bytes += d.files[p]!.size;
    d.cursor++;
  }
  return batch;
}
