import type { Emitter } from "./emitter.ts";
import type { Sink } from "./sink.ts";

/**
 * One JSON document grouped by file (the "dict" view): `{"path": [chunk, ...], ...}` with files in
 * order and one chunk per line. Streamed, so memory stays bounded; skipped and failed files are not
 * keys (they are in the summary and on stderr).
 */
export function jsonEmitter(sink: Sink): Emitter {
  let first = true;
  sink.write("{");
  return {
    result(result) {
      if (result.status !== "chunked") return;
      sink.write(`${first ? "" : ","}\n${JSON.stringify(result.path)}: [`);
      first = false;
      result.chunks.forEach((chunk, i) => sink.write(`${i === 0 ? "" : ","}\n  ${JSON.stringify(chunk)}`));
      sink.write(result.chunks.length > 0 ? "\n]" : "]");
    },
    end() {
      sink.write(first ? "}\n" : "\n}\n");
    },
  };
}
