import { releaseNativeMemory } from "./releaseMemory.ts";

/**
 * Lets the event loop turn once. Bun.sleep(0), not setImmediate: in a compiled binary's worker, an
 * unhandled rejection raised after a setImmediate continuation was reported only ~1 s later (the
 * loop's idle wake-up), so a worker that should die at once looked hung; after Bun.sleep(0) it is
 * reported within milliseconds. Both free native trees alike, at about 1-2 us per turn.
 */
export function turnEventLoop(): Promise<void> {
  return Bun.sleep(0);
}

/**
 * Files of this many bytes or more hold 20-110 times their size while chunked: the collection
 * cadence below collects around them, and chunkText collects between its phases for them.
 */
export const BIG_FILE_COLLECT_BYTES = 256 * 1024;

/**
 * Returns the function to await before each file in a long loop, given that file's size.
 * @ast-grep/napi frees a parse tree only when its JavaScript wrapper is garbage-collected AND the
 * event loop then turns, a limited number per turn; the wrappers are tiny, so the GC alone would not
 * run for a long time. Measured on the Go standard library (28 MB, parse only): a turn every 1 MB
 * kept 870 MB; a full GC every 1 MB plus a turn between files kept about 190 MB at no measurable cost
 * in time. The turn after a GC frees the trees into malloc's arenas, and the pages are then handed
 * back to the system (releaseMemory.ts), or RSS stays at the high-water mark of the largest trees.
 * A big file starts on a collected heap and is collected after: otherwise up to `gcBytes` of
 * earlier files' garbage stacks on its peak, which made a run's peak RSS vary by ~50 MB.
 */
export function yieldEvery(gcBytes = 1 << 20, bigBytes = BIG_FILE_COLLECT_BYTES): (size: number) => Promise<void> {
  let pending = 0;
  return async (size) => {
    const big = size >= bigBytes;
    const collect = pending >= gcBytes || (big && pending > 0);
    if (collect) {
      pending = 0;
      Bun.gc(true);
    }
    await turnEventLoop();
    if (collect) releaseNativeMemory();
    // A big file counts as a full gcBytes, so the next file starts after a collection.
    pending += big ? Math.max(size, gcBytes) : size;
  };
}
