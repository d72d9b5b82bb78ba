import type { Emitter } from "./emitter.ts";
import { renderPreview } from "./preview.ts";
import type { Sink } from "./sink.ts";

/** The human preview (--format text): each file's chunks through the engine's preview renderer. */
export function textEmitter(sink: Sink): Emitter {
  return {
    result(result) {
      if (result.status === "chunked" && result.chunks.length > 0) sink.write(renderPreview(result.chunks));
    },
    end() {},
  };
}
