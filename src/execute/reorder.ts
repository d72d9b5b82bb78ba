import type { DiscoveredFile } from "../model/file.ts";
import type { FileResult } from "../model/result.ts";
import type { RunStats } from "./executor.ts";
import { tally } from "./tally.ts";

/** What the reorder buffer calls back into the pool. */
export type ReorderHooks = {
  /** The consumer of results, in file order; a returned promise is awaited before the next. */
  onResult(result: FileResult): void | Promise<void>;
  /** True once the run has ended (finished or failed): nothing more is emitted. */
  ended(): boolean;
  /** Every file has been emitted. */
  onAllEmitted(): void;
  /** Emission paused for the next file's result: room in the window for more dispatch. */
  onWaiting(): void;
  /** The consumer threw or rejected. */
  onError(err: unknown): void;
};

/** Results by position, emitted in position order as soon as each one's turn comes. */
export type Reorder = {
  /** Stores a position's result and emits whatever is now in turn. */
  deliver(pos: number, result: FileResult): void;
  /** Position of the next file to emit. */
  readonly next: number;
  /** Position of the next file to emit when it has no result and nothing is being emitted, else undefined. */
  missingHead(): number | undefined;
};

/**
 * A reorder buffer over `files`: tallies each emitted result into `stats` and records in
 * `stats.peakBuffered` the most results held waiting for an earlier file.
 */
export function createReorder(files: readonly DiscoveredFile[], stats: RunStats, hooks: ReorderHooks): Reorder {
  const done = new Map<number, FileResult>();
  let next = 0;
  let emitting = false;

  async function emit(): Promise<void> {
    emitting = true;
    try {
      while (!hooks.ended() && done.has(next)) {
        const result = done.get(next)!;
        done.delete(next);
        const size = files[next]!.size;
        tally(stats, size, result);
        next++;
        const pending = hooks.onResult(result);
        if (pending) await pending;
      }
    } catch (err) {
      return hooks.onError(err);
    } finally {
      emitting = false;
    }
    if (hooks.ended()) return;
    if (next === files.length) return hooks.onAllEmitted();
    hooks.onWaiting();
  }

  return {
    deliver(pos, result) {
      done.set(pos, result);
      const waiting = done.size - (done.has(next) ? 1 : 0); // the head goes straight out
      if (waiting > stats.peakBuffered!) stats.peakBuffered = waiting;
      if (!emitting && pos === next) void emit();
    },
    get next() {
      return next;
    },
    missingHead: () => (!emitting && next < files.length && !done.has(next) ? next : undefined),
  };
}
