// Stopping long synchronous work when a signal comes. A JavaScript signal handler runs only when
// the event loop turns, which chunking one big file on the main thread does not let it do; the
// tree reader notes SIGINT and SIGTERM in C as they come (wr_watch_signals), and the loops that
// take time in proportion to a file's size ask here now and then.
import { WeftError } from "./errors.ts";

let probe: (() => boolean) | undefined;

/**
 * Sets what checkInterrupt asks (undefined: nothing, the default, as in workers, whose runs are
 * stopped from the main thread). Returns a function that clears it again.
 */
export function watchInterrupt(pending: () => boolean): () => void {
  probe = pending;
  return () => {
    if (probe === pending) probe = undefined;
  };
}

/** Whether this thread watches for signals (so a parse may stop for one). */
export function interruptWatched(): boolean {
  return probe !== undefined;
}

/** Throws the "interrupted" WeftError when a watched signal has come; cheap enough for hot loops every few thousand steps. */
export function checkInterrupt(): void {
  if (probe?.()) throw interrupted();
}

/** The error a step stopped by a signal throws: never a file's failure, it ends the run. */
export function interrupted(): WeftError {
  return new WeftError("interrupted", "stopped by a signal");
}

/** Whether `err` is a step stopped by a signal (to be passed on, not recorded as a failure). */
export function isInterrupted(err: unknown): boolean {
  return err instanceof WeftError && err.code === "interrupted";
}
