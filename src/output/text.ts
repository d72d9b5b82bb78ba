import type { Chunk } from "../model/chunk.ts";
import type { Emitter } from "./emitter.ts";
import type { Sink } from "./sink.ts";

/** A header line per chunk (path, position, lines, strategy, tokens, scope), then its content. */
export function renderPreview(chunk: Chunk): string {
  const scope = chunk.scope.length > 0 ? `  ${chunk.scope.join(" > ")}` : "";
  const head = `── ${chunk.path}  ${chunk.index + 1}/${chunk.count}  lines ${chunk.line_start}-${chunk.line_end}  ${chunk.strategy}  ${chunk.tokens} tokens${scope}`;
  return `${head}\n${chunk.content}${chunk.content.endsWith("\n") ? "" : "\n"}`;
}

/** The human preview (--format text): every chunk rendered by renderPreview. */
export function textEmitter(sink: Sink): Emitter {
  return {
    result(result) {
      if (result.status === "chunked") for (const chunk of result.chunks) sink.write(renderPreview(chunk));
    },
    end() {},
  };
}
