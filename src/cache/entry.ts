import * as v from "valibot";
import { FileResultSchema, RecoveredRegionSchema, type FileResult, type RecoveredRegion } from "../model/result.ts";
import { StrategySchema } from "../model/selection.ts";

/**
 * A chunked file as the cache holds it: the result's fields and its records already serialized as
 * JSON Lines (exactly the bytes `--format jsonl` writes), so a hit is written without parsing.
 */
export type CachedFile = {
  index: number;
  path: string;
  strategy: v.InferOutput<typeof StrategySchema>;
  reason: string;
  chunkCount: number;
  /** Some chunk carries `invalid_utf8`. */
  invalidUtf8: boolean;
  /** ERROR regions cut by delimiter rules (the result's `recovered`). */
  recovered?: RecoveredRegion[];
  jsonl: Uint8Array;
};

const MetaSchema = v.object({
  key: v.string(),
  path: v.string(),
  strategy: StrategySchema,
  reason: v.string(),
  chunks: v.pipe(v.number(), v.integer(), v.minValue(0)),
  invalid_utf8: v.boolean(),
  recovered: v.optional(v.array(RecoveredRegionSchema)),
});

const MAGIC = "weft-chunk-cache 1";

/** The file's JSON Lines records: what --format jsonl writes for it. */
export function toJsonl(result: Extract<FileResult, { status: "chunked" }>): string {
  let out = "";
  for (const chunk of result.chunks) out += `${JSON.stringify(chunk)}\n`;
  return out;
}

/**
 * An entry: one header line `weft-chunk-cache 1 <checksum> <length>`, then the payload: a JSON
 * line of metadata (the key, so an entry copied under another name is refused) and the records.
 * The checksum (xxHash3 of the payload) catches a truncated, torn or altered entry.
 */
export function encodeEntry(
  key: string,
  result: Extract<FileResult, { status: "chunked" }>,
  jsonl: string,
): [header: Uint8Array, payload: Uint8Array] {
  const meta: v.InferOutput<typeof MetaSchema> = {
    key,
    path: result.path,
    strategy: result.strategy,
    reason: result.reason,
    chunks: result.chunks.length,
    invalid_utf8: result.chunks.some((c) => c.invalid_utf8 !== undefined),
    ...(result.recovered && { recovered: result.recovered }),
  };
  const payload = Buffer.from(`${JSON.stringify(meta)}\n${jsonl}`);
  // Two parts, written one after the other: joining them would copy a big file's records once more.
  return [Buffer.from(`${MAGIC} ${checksum(payload)} ${payload.length}\n`), payload];
}

/** The entry's file for `index`, or why it cannot be trusted (then it is recomputed, never emitted). */
export function decodeEntry(bytes: Uint8Array, key: string, index: number): CachedFile | { corrupt: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerEnd = buf.indexOf(10);
  const header = headerEnd > 0 && headerEnd < 100 ? buf.toString("latin1", 0, headerEnd).split(" ") : [];
  if (header.length !== 4 || `${header[0]} ${header[1]}` !== MAGIC) return { corrupt: "no entry header" };
  const payload = buf.subarray(headerEnd + 1);
  if (String(payload.length) !== header[3])
    return { corrupt: `${payload.length} bytes where the header says ${header[3]} (truncated?)` };
  if (checksum(payload) !== header[2]) return { corrupt: "checksum mismatch" };
  const metaEnd = payload.indexOf(10);
  let meta: v.InferOutput<typeof MetaSchema>;
  try {
    meta = v.parse(MetaSchema, JSON.parse(payload.toString("utf8", 0, metaEnd)));
  } catch {
    return { corrupt: "unreadable metadata" };
  }
  if (meta.key !== key) return { corrupt: "entry of another key" };
  return {
    index,
    path: meta.path,
    strategy: meta.strategy,
    reason: meta.reason,
    chunkCount: meta.chunks,
    invalidUtf8: meta.invalid_utf8,
    ...(meta.recovered && { recovered: meta.recovered }),
    jsonl: payload.subarray(metaEnd + 1),
  };
}

function checksum(bytes: Uint8Array): string {
  return Bun.hash.xxHash3(bytes).toString(16).padStart(16, "0");
}

/** The FileResult of a cached file, for the formats that need chunk objects (json, text); validated. */
export function cachedResult(file: CachedFile): FileResult {
  const text = Buffer.from(file.jsonl.buffer, file.jsonl.byteOffset, file.jsonl.byteLength).toString("utf8");
  const chunks: unknown[] =
    text === ""
      ? []
      : text
          .slice(0, -1)
          .split("\n")
          .map((line) => JSON.parse(line));
  const { index, path, strategy, reason, recovered } = file;
  return v.parse(FileResultSchema, {
    status: "chunked",
    index,
    path,
    strategy,
    reason,
    ...(recovered && { recovered }),
    chunks,
  });
}
