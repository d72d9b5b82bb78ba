import type { Emitter } from "./emitter.ts";
import type { Sink } from "./sink.ts";

/** JSON Lines, the default: one chunk object per line, files in order, chunks in file order. */
export function jsonlEmitter(sink: Sink): Emitter {
  return {
    result(result) {
      if (result.status !== "chunked") return;
      for (const chunk of result.chunks) sink.write(`${JSON.stringify(chunk)}\n`);
    },
    end() {},
  };
}
