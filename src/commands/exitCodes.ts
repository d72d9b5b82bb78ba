/** weft's exit codes: part of the public interface, documented in --help and the README. */
export const EXIT = {
  /** Every file was chunked (skips with reasons are fine). */
  ok: 0,
  /** Some files failed; the rest were written. */
  someFailed: 1,
  /** Usage error: unknown command or flag, bad value. */
  usage: 2,
  /** Internal or output error, including any detected loss (submitted != chunked + skipped + failed). */
  internal: 3,
  /** Every file was written, but some not as asked: their parser could not be loaded (refused cache, tampered file), so fallback rules chunked them. */
  degraded: 4,
  /** Interrupted by SIGINT / SIGTERM. */
  sigint: 130,
  sigterm: 143,
} as const;

/** The exit code list shown at the end of `weft --help`. */
export const EXIT_CODES_HELP = `EXIT CODES

  0  every file was chunked (skips with a stated reason are fine)
  1  some files failed; the rest were written
  2  usage error (unknown command or option, bad value)
  3  internal or output error, including any detected loss of files
  4  every file was written, but some not as asked: their parser could
     not be loaded (refused cache or file, named on stderr); fallback rules were used
  130/143  interrupted (SIGINT/SIGTERM)`;
