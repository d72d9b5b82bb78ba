import { loadParsers } from "../languages/registry.ts";
import { errorMessage, WeftError } from "../model/errors.ts";
import type { FileResult } from "../model/result.ts";
import { emptyStats, tally, type Executor } from "./executor.ts";
import { readAndChunk } from "./readFile.ts";
import { yieldEvery } from "./yieldPoint.ts";

/**
 * The same-thread executor: no start-up cost, so it wins on small jobs. It turns the event loop
 * every few files so native parse trees are freed and signals are seen. It cannot interrupt a
 * file that never returns (no --timeout here): that needs the worker pool.
 */
export function createInlineExecutor(): Executor {
  return {
    kind: "inline",
    workers: 0,
    async run(files, governor, onResult, options = {}) {
      loadParsers([...new Set(files.map((f) => f.language))]);
      const stats = emptyStats("inline", 0, files.length);
      const turn = yieldEvery();
      for (const file of files) {
        if (options.signal?.aborted) throw new WeftError("interrupted", "run interrupted");
        let result: FileResult;
        try {
          result = readAndChunk(file, governor);
        } catch (err) {
          result = { status: "failed", index: file.index, failure: { path: file.path, stage: "chunk", code: "chunk-threw", message: errorMessage(err) } };
        }
        tally(stats, file, result);
        await onResult(result);
        await turn(file.size);
      }
      return stats;
    },
    async close() {},
  };
}
