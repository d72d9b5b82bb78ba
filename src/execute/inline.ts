import { processFile } from "../chunkers/processFile.ts";
import { loadParsers } from "../languages/registry.ts";
import { WeftError } from "../model/errors.ts";
import { emptyStats, type Executor } from "./executor.ts";
import { turnEventLoop } from "./memory.ts";
import { tally } from "./tally.ts";

/**
 * The same-thread executor: no start-up cost, so it wins on small jobs. It turns the event loop
 * between files so signals are seen; within a file, a signal the tree reader noted stops the
 * chunkers (model/interrupt.ts, watched by runChunk). It cannot interrupt a file that never
 * returns (no --timeout here): that needs the worker pool.
 */
export function createInlineExecutor(): Executor {
  return {
    kind: "inline",
    workers: 0,
    async run(files, governor, onResult, options = {}) {
      loadParsers([...new Set(files.map((f) => f.language))]);
      const stats = emptyStats("inline", 0, files.length);
      for (const file of files) {
        await turnEventLoop();
        if (options.signal?.aborted) throw new WeftError("interrupted", "run interrupted");
        const result = processFile(file, governor, { limits: options.limits });
        tally(stats, file.size, result);
        await onResult(result);
      }
      return stats;
    },
    async close() {},
  };
}
