import * as v from "valibot";
import type { Emitter } from "./emitter.ts";
import { jsonEmitter } from "./json.ts";
import { jsonlEmitter } from "./jsonl.ts";
import type { Sink } from "./sink.ts";
import { textEmitter } from "./text.ts";

/** Output formats of `weft chunk --format`. */
export const FormatSchema = v.picklist(["jsonl", "json", "text"]);
export type Format = v.InferOutput<typeof FormatSchema>;

/** The emitter for a format. */
export function createEmitter(format: Format, sink: Sink): Emitter {
  return format === "json" ? jsonEmitter(sink) : format === "text" ? textEmitter(sink) : jsonlEmitter(sink);
}
