// weft's memory policy, in one place: every setting that bounds memory, with the reason for it.
// The chunking functions (src/chunkers/) never collect; the executors call this module between files.
// Peak RSS comes from the big files: chunking one holds 20-110 times its size (syntax tree, UTF-16
// text, token index, chunks), and native parse trees are freed only after a GC and an event-loop turn.

/** Every memory setting, named, with why it has its value. */
export const MEMORY = {
  /**
   * Input bytes chunked between full collections, in any thread that chunks. @ast-grep/napi frees a
   * parse tree only when its JavaScript wrapper is collected AND the event loop then turns; the
   * wrappers are tiny, so the GC alone would not run for a long time. Measured on the Go standard
   * library (28 MB, parse only): a turn every 1 MB kept 870 MB; a full GC every 1 MB plus a turn
   * between files kept about 190 MB at no measurable cost in time.
   */
  collectEveryBytes: 1 << 20,
  /**
   * Files of this many bytes or more start on a collected heap and are collected after: otherwise up
   * to `collectEveryBytes` of earlier files' garbage stacks on their peak, which made a run's peak
   * RSS vary by ~50 MB.
   */
  bigFileBytes: 256 * 1024,
  /**
   * Texts of at least this many characters are also collected between the chunking phases (after
   * indexing, after finding the units): each phase makes garbage at several times a big text's size
   * and the collector let it pile up within the file (the corpus's 9 MB file peaked at 247 MB RSS
   * inline, 169 MB with these collections).
   */
  betweenPhasesChars: 256 * 1024,
  /**
   * Files at least this big are never in flight two at a time across the pool: two of them at once
   * on two workers were the pool's highest peaks. Such a file waits until the other is answered.
   */
  exclusiveFileBytes: 512 * 1024,
  /**
   * Input bytes after which a worker gets no more work and is replaced (0 = never, the default).
   * Workers used to be replaced every 12 MiB because their memory crept with the files they had
   * chunked (517 MB for the corpus at 2 workers, never replaced). The cause was the token memo:
   * its keys were slices of the file texts, and a JavaScriptCore slice keeps its whole base string
   * alive (see detachedSlice in tokenize/pieceMemo.ts). With the keys copied, measured 2026-12-05
   * (tests/bench/recycle.ts, 2 workers): corpus 273-288 MB never replaced vs 278-279 MB every
   * 12 MiB; 4x the corpus 310 MB vs 279 MB, for 113 s of CPU vs 129 s (each fresh worker re-warms
   * its parsers, tokenizer and JIT). Kept as a setting for tests and experiments.
   */
  recycleWorkerBytes: 0,
  /**
   * Whether to hand freed native memory back to the system (glibc malloc_trim) after each
   * collection. It kept RSS lower but cost a third of the CPU: the trim and then the page faults of
   * malloc growing again. Measured 2026-12-05 on the corpus (from source, `SPINE_TRIM` experiment,
   * two runs each): inline 17.5 s of CPU and 258-265 MB without, 24-29 s and 210-220 MB with;
   * 2 workers 23.5-25.4 s and 350-376 MB without, 32-33 s and 263-275 MB with; 4x the corpus at
   * 2 workers without it 393 MB (1.05-1.12x of 1x). Trimming only after big files still cost half.
   * Off: the peak stays under parse-only's own (441 MB at 2 workers in the same week) + 100 MB.
   */
  trimNativeMemory: false,
  /**
   * Input bytes emitted by the pool's main thread between full collections. Each result is cloned in
   * and serialized, so the main thread makes garbage at a few times the output's size, and JSC let
   * it pile up to ~60 MB on the corpus; collecting every 4 MiB kept it under 40 MB (peak RSS 390-404
   * -> 313-337 MB) at ~17 collections of a small live heap.
   */
  mainCollectBytes: 4 * 2 ** 20,
  /**
   * How far the pool's dispatch may run past the next file to emit, in input bytes: results of later
   * files wait in the reorder buffer, so a slow early file bounds memory instead of letting them pile up.
   */
  aheadBytes: 16 * 2 ** 20,
} as const;

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
 * Returns the function to await before each file in a long loop, given that file's size: it turns
 * the event loop, and collects every `gcBytes` of input and around big files (see MEMORY). The turn
 * after a GC frees the trees into malloc's arenas; with MEMORY.trimNativeMemory the pages are then
 * handed back to the system (releaseNativeMemory), else malloc reuses them.
 */
export function yieldEvery(
  gcBytes: number = MEMORY.collectEveryBytes,
  bigBytes: number = MEMORY.bigFileBytes,
): (size: number) => Promise<void> {
  let pending = 0;
  return async (size) => {
    const big = size >= bigBytes;
    const collect = pending >= gcBytes || (big && pending > 0);
    if (collect) {
      pending = 0;
      Bun.gc(true);
    }
    await turnEventLoop();
    if (collect && MEMORY.trimNativeMemory) releaseNativeMemory();
    // A big file counts as a full gcBytes, so the next file starts after a collection.
    pending += big ? Math.max(size, gcBytes) : size;
  };
}

/** The chunkers' `betweenPhases` hook: a full collection inside a big file (MEMORY.betweenPhasesChars). */
export function collectBetweenPhases(chars: number): void {
  if (chars >= MEMORY.betweenPhasesChars) Bun.gc(true);
}

/** The pool's main thread: call after emitting each file; collects every MEMORY.mainCollectBytes of input emitted. */
export function mainThreadCollector(everyBytes: number = MEMORY.mainCollectBytes): (size: number) => void {
  let since = 0;
  return (size) => {
    if ((since += size) < everyBytes) return;
    since = 0;
    Bun.gc(true);
  };
}

/**
 * Gives memory freed by native code back to the operating system. The parser (a Rust addon) allocates
 * with the C library's malloc; on glibc a freed parse tree stays in the thread's malloc arena, so RSS
 * only ever grows to the largest trees seen (a 9 MB JavaScript file: about 220 MB kept after the tree
 * was freed). glibc's malloc_trim(0) returns every free page of every arena. Elsewhere (macOS, musl,
 * Windows) the symbol is not found and this does nothing.
 */
export const releaseNativeMemory: () => void = loadTrim();

function loadTrim(): () => void {
  if (process.platform !== "linux") return () => {};
  try {
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    const libc = dlopen("libc.so.6", { malloc_trim: { args: [FFIType.u64], returns: FFIType.i32 } });
    return () => void libc.symbols.malloc_trim(0);
  } catch {
    return () => {};
  }
}
