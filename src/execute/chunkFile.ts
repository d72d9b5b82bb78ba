import type { Chunk } from "../model/chunk.ts";
import type { DiscoveredFile } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import type { FileResult } from "../model/result.ts";
import { errorMessage } from "../model/errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Chunks one file: pure apart from the parser, and the ONLY function both executors call, so the
 * worker path and the inline path cannot differ. Never throws: failures come back as data.
 * FOUNDATION VERSION: emits each file as one chunk; the engine (issue 3) replaces the body.
 */
export function chunkFile(file: DiscoveredFile, bytes: Uint8Array, governor: Governor): FileResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { status: "skipped", index: file.index, path: file.path, reason: "invalid-utf8", detail: "file is not valid UTF-8" };
  }
  try {
    const lines = text.length === 0 ? 1 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    const chunk: Chunk = {
      id: Bun.hash.xxHash3(`${file.path}\0${0}\0${bytes.length}\0${text}`).toString(16).padStart(16, "0"),
      path: file.path, language: file.language, strategy: "text", index: 0, count: 1,
      byte_start: 0, byte_end: bytes.length, line_start: 1, line_end: Math.max(1, lines),
      tokens: governor.tokenizer === "bytes" ? bytes.length : 0, kinds: [], symbols: [], scope: [],
      partial: false, has_error: false, content: text,
    };
    return { status: "chunked", index: file.index, path: file.path, strategy: "text", reason: "foundation: whole file", chunks: [chunk] };
  } catch (err) {
    return { status: "failed", index: file.index, failure: { path: file.path, stage: "chunk", code: "chunk-error", message: errorMessage(err) } };
  }
}
