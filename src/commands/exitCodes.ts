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

/** The signals weft stops on, and the code each ends with. */
export type StopSignal = "SIGINT" | "SIGTERM";

/**
 * What a run came to, as far as its exit code goes: each field is a condition that held. Commands
 * return one; `exitCode` alone turns it into a code.
 */
export type Outcome = {
  /** The command line, or a report file named on it, was not usable: nothing ran. */
  usage?: boolean;
  /** An internal or output error, a detected loss, or a report file that failed to write. */
  internal?: boolean;
  /** Stopped by this signal. */
  signal?: StopSignal;
  /** The reader of stdout went away (`weft chunk | head`): stop quietly. */
  outputClosed?: boolean;
  /** Some files (or checks) failed. */
  failed?: boolean;
  /** Some files were not chunked as asked. */
  degraded?: boolean;
};

/**
 * The exit code of an outcome, the one place codes are decided: where several conditions hold, the
 * first of usage (2, nothing ran), 3, 130/143, a closed stdout (0), 1, 4 wins; none is 0.
 */
export function exitCode(o: Outcome): number {
  if (o.usage) return EXIT.usage;
  if (o.internal) return EXIT.internal;
  if (o.signal) return o.signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
  if (o.outputClosed) return EXIT.ok;
  if (o.failed) return EXIT.someFailed;
  if (o.degraded) return EXIT.degraded;
  return EXIT.ok;
}

/** Ends the process now with the code of `o`: for a stop that cannot wait for the run to return. */
export function exitNow(o: Outcome): never {
  process.exit(exitCode(o));
}
