/** weft's exit codes: part of the public interface, documented in --help and the README. */
export const EXIT = {
  /** Every file was chunked (skips with reasons are fine). */
  ok: 0,
  /** Some files failed; the rest were written. */
  someFailed: 1,
  /** Usage error: unknown command or flag, bad value. */
  usage: 2,
  /** Internal error, including any detected loss (submitted != chunked + skipped + failed). */
  internal: 3,
  /** Interrupted by SIGINT / SIGTERM. */
  sigint: 130,
  sigterm: 143,
} as const;
