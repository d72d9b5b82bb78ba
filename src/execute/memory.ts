// weft's memory policy, in one place: every setting that bounds memory, with the reason for it.
// Syntax trees are read through weft's own reader (src/tree/), which frees each tree in C before
// the parse call returns, so nothing native waits for a garbage collection and weft never forces
// one: what a file costs is its text, its token index, its tree records and its chunks, all
// JavaScript memory that the collector paces by itself.

/** Every memory setting, named, with why it has its value. */
export const MEMORY = {
  /**
   * Files at least this big are never in flight two at a time across the pool: two of them at once
   * on two workers were the pool's highest peaks. Such a file waits until the other is answered.
   */
  exclusiveFileBytes: 512 * 1024,
  /**
   * Input bytes after which a worker gets no more work and is replaced (0 = never, the default).
   * Workers used to be replaced every 12 MiB because their memory crept with the files they had
   * chunked. The cause was the token memo: its keys were slices of the file texts, and a
   * JavaScriptCore slice keeps its whole base string alive (see detachedSlice in
   * tokenize/pieceMemo.ts). With the keys copied, replacing workers only costs CPU (each fresh
   * worker re-warms its parsers, tokenizer and JIT). Kept as a setting for tests and experiments.
   */
  recycleWorkerBytes: 0,
  /**
   * How far the pool's dispatch may run past the next file to emit, in input bytes: results of later
   * files wait in the reorder buffer, so a slow early file bounds memory instead of letting them pile up.
   */
  aheadBytes: 16 * 2 ** 20,
} as const;

/**
 * Lets the event loop turn once, between files, so messages and signals are seen. Bun.sleep(0),
 * not setImmediate: in a compiled binary's worker, an unhandled rejection raised after a
 * setImmediate continuation was reported only ~1 s later (the loop's idle wake-up), so a worker
 * that should die at once looked hung; after Bun.sleep(0) it is reported within milliseconds.
 */
export function turnEventLoop(): Promise<void> {
  return Bun.sleep(0);
}
