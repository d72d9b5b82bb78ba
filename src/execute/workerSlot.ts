import type { FileResult } from "../model/result.ts";
import type { WorkerResponse } from "./protocol.ts";
import { startWorker, watchWorker, type WorkerLoss, type WorkerWatch } from "./spawnWorker.ts";

/** Files sent to a worker in one request, by position; `next` is the first not answered yet. */
export type Batch = { id: number; positions: number[]; next: number };

/**
 * A pool worker and what it was given; `fresh` until it gets its first batch. `given` counts the
 * input bytes sent to it; once `retiring`, it gets no more batches and is stopped when it has
 * answered. `timer` is its start-up deadline until `ready`, then the per-file timeout while it
 * has batches.
 */
export type Slot = {
  worker: Worker;
  stop: () => void;
  ready: boolean;
  fresh: boolean;
  batches: Batch[];
  timer: Timer | undefined;
  given: number;
  retiring: boolean;
};

/** Starts a worker (the test hook `entry` aside, worker.ts) and watches it; nothing is sent to it yet. */
export function openSlot(entry: URL | undefined, watch: (slot: Slot) => WorkerWatch): Slot {
  const worker = startWorker(entry);
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
  slot.stop = watchWorker(worker, watch(slot));
  return slot;
}

/** Clears a slot's timer, whichever it is. */
export function clearSlotTimer(slot: Slot): void {
  clearTimeout(slot.timer);
  slot.timer = undefined;
}

/** Takes back the positions a slot had been given but not answered, in order; the first is the one it was on. */
export function unfinished(slot: Slot): number[] {
  const out = slot.batches.flatMap((b) => b.positions.slice(b.next));
  slot.batches = [];
  return out;
}

/** A worker's reply to a chunk request, read against what it was given. */
export type Reply =
  | { kind: "file"; pos: number; result: FileResult }
  | { kind: "file-error"; pos: number; code: string; message: string }
  | { kind: "batch-done" }
  | { kind: "loss"; loss: WorkerLoss };

/**
 * Reads a reply of a ready worker in the middle of a run: files are answered in the order they were
 * given, each batch closed by `batch-done` with its count. An answer for another file or batch, a
 * batch that ends early, or a message that has no place here is a protocol loss. Advances the
 * slot's batches; `indexAt` gives the file index at a position.
 */
export function readReply(slot: Slot, msg: WorkerResponse, indexAt: (pos: number) => number): Reply {
  const protocol = (message: string): Reply => ({ kind: "loss", loss: { code: "protocol", message } });
  const batch = slot.batches[0];
  if (msg.type === "ready" || !batch || msg.batchId !== batch.id)
    return protocol(
      `${msg.type} message for batch ${"batchId" in msg ? msg.batchId : "none"}, expected ${batch?.id ?? "none"}`,
    );
  const pos = batch.positions[batch.next];
  if (msg.type === "result" || (msg.type === "error" && msg.index !== undefined)) {
    const index = msg.type === "result" ? msg.result.index : msg.index;
    if (pos === undefined || indexAt(pos) !== index)
      return protocol(
        `result for file #${index} out of order (expected #${pos === undefined ? "none" : indexAt(pos)})`,
      );
    batch.next++;
    return msg.type === "result"
      ? { kind: "file", pos, result: msg.result }
      : { kind: "file-error", pos, code: msg.code, message: msg.message };
  }
  if (msg.type === "batch-done") {
    if (pos !== undefined || msg.count !== batch.positions.length)
      return protocol(`batch ended after ${batch.next} of ${batch.positions.length} results`);
    slot.batches.shift();
    return { kind: "batch-done" };
  }
  // An error the worker could not pin on one file, or a reply we never asked for.
  return protocol(
    msg.type === "error" ? `worker error (${msg.code}): ${msg.message}` : `unexpected ${msg.type} message`,
  );
}
