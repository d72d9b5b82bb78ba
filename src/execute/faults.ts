// Test-only worker faults: everything about them lives here, so production code paths only pass
// them through. The CLI never sets them (see FaultKindSchema).
import * as v from "valibot";
import { processFile } from "../chunkers/processFile.ts";
import type { DiscoveredFile, ReadLimits } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";

const id = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * Ways a worker can be told to misbehave on one file, for tests and `weft diagnose` only: the CLI
 * never puts a fault in a request (only code that builds a pool with `faults` can), so no flag,
 * environment variable or input file can trigger one.
 * throw: the file's chunking throws (caught, per-file failure) · crash: an uncaught exception ends
 * the worker (error + close 1) · exit: process.exit(3) · reject: an unhandled rejection ends the worker
 * (close 0) · hang: a synchronous endless loop · unclonable: the result holds a function
 * (DataCloneError on postMessage) · invalid: the worker posts a message that fails validation.
 */
export const FaultKindSchema = v.picklist(["throw", "crash", "exit", "reject", "hang", "unclonable", "invalid"]);
export type FaultKind = v.InferOutput<typeof FaultKindSchema>;

/** A fault to inject when the worker reaches the file with this index. */
export const FaultSchema = v.object({ index: id, kind: FaultKindSchema });
export type Fault = v.InferOutput<typeof FaultSchema>;

/** A test-only fault: misbehave on the file with this path during its first `attempts` tries (default: every try). */
export type FaultSpec = { path: string; kind: FaultKind; attempts?: number };

/** Pool options only tests and `weft diagnose` set; the CLI never does. */
export type PoolTestHooks = {
  /** Faults to inject in the workers (see FaultKindSchema). */
  faults?: readonly FaultSpec[];
  /** Worker entry to start instead of worker.ts: only tests of start-up failure set it. */
  workerUrl?: URL;
  /**
   * Ignore worker deaths and invalid messages, as a pool without death detection would. The
   * diagnostics tests use it to prove the smoke tests catch such a pool.
   */
  ignoreWorkerLoss?: boolean;
};

const never = new Promise<never>(() => {});

/**
 * Worker side: misbehaves as `kind` says on `file`. Returns true when the file has been dealt with
 * (its message was posted through `send`); "throw" returns false and is thrown by the caller inside
 * the per-file try (see throwFault); the fatal kinds never return.
 */
export async function injectFault(
  kind: FaultKind,
  batchId: number,
  file: DiscoveredFile,
  governor: Governor,
  limits: ReadLimits | undefined,
  send: (msg: unknown) => void,
): Promise<boolean> {
  const what = `injected fault "${kind}" on ${file.path}`;
  switch (kind) {
    case "throw":
      return false;
    case "crash":
      setTimeout(() => {
        throw new Error(what);
      }, 0);
      return never;
    case "exit":
      process.exit(3);
    case "reject":
      void Promise.reject(new Error(what));
      return never;
    case "hang":
      for (;;) {
        /* endless synchronous loop: only terminate() ends it */
      }
    case "unclonable":
      send({
        type: "result",
        batchId,
        result: { ...processFile(file, governor, { limits }), notCloneable: () => what },
      });
      return true;
    case "invalid":
      send({ type: "result", batchId, result: { status: "chunked", index: file.index } });
      return true;
  }
}

/** The hook processFile runs before chunking for a "throw" fault: it throws inside processFile's own try. */
export function throwFault(file: DiscoveredFile): () => never {
  return () => {
    throw new Error(`injected fault "throw" on ${file.path}`);
  };
}
