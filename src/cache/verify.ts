import * as v from "valibot";
import { chunkId, contentHash } from "../chunkers/build.ts";
import { ChunkSchema, type Chunk } from "../model/chunk.ts";
import type { DiscoveredFile } from "../model/file.ts";
import { chunkBytes } from "./bytes.ts";
import type { CachedFile } from "./entry.ts";

/**
 * Why a cache hit may not be emitted for `file`, whose bytes weft has just read, or undefined when
 * it may. The entry's checksum is unkeyed (anyone who can write the cache can recompute it), so the
 * records themselves are checked against the file: each line is a record (the schema), written
 * exactly as weft writes one (no extra field, key order and spacing of JSON.stringify), of this
 * path and language, numbered 0..count-1, whose ranges tile the file's bytes and rebuild them
 * exactly, with the lines, `id` and `content_hash` those bytes give. What is left unchecked
 * (tokens, kinds, symbols, scope, flags) cannot change a byte of the file's text.
 */
export function hitProblem(entry: CachedFile, file: DiscoveredFile, bytes: Uint8Array): string | undefined {
  const jsonl = Buffer.from(entry.jsonl.buffer, entry.jsonl.byteOffset, entry.jsonl.byteLength);
  if (jsonl.length > 0 && jsonl[jsonl.length - 1] !== 0x0a) return "records do not end with a newline";
  const lines = jsonl.length === 0 ? [] : jsonl.toString("utf8", 0, jsonl.length - 1).split("\n");
  if (lines.length !== entry.chunkCount) return `${lines.length} records where the entry says ${entry.chunkCount}`;
  let end = 0;
  let line = 1; // the line at byte `end`
  let newline = bytes.indexOf(0x0a); // the first newline at or after `end` not yet counted
  const lineAt = (p: number) => {
    while (newline !== -1 && newline < p) {
      line++;
      newline = bytes.indexOf(0x0a, newline + 1);
    }
    return line;
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return `record ${i} is not JSON`;
    }
    if (!isRecord(raw)) return `record ${i} is not a chunk record`;
    const c = raw;
    // The same bytes as JSON.stringify gives: no other spacing or escapes, no repeated key (which
    // one parser would read first and another last), and the keys checked above in their order.
    if (JSON.stringify(c) !== text) return `record ${i} is not written as weft writes records`;
    if (c.path !== file.path || c.language !== file.language) return `record ${i} is of another path or language`;
    // A file with recovered syntax errors has delimiter chunks among its semantic ones.
    const strategyOk = c.strategy === entry.strategy || (entry.recovered !== undefined && c.strategy === "delimiter");
    if (c.index !== i || c.count !== lines.length || !strategyOk)
      return `record ${i} is out of place (index ${c.index} of ${c.count}, ${c.strategy})`;
    if (c.byte_start !== end || c.byte_end <= c.byte_start || c.byte_end > bytes.length)
      return `record ${i} does not continue the file (bytes ${c.byte_start}..${c.byte_end})`;
    const want = bytes.subarray(c.byte_start, c.byte_end);
    if (!rebuilds(c, want)) return `record ${i} does not rebuild the file's bytes`;
    const lineStart = lineAt(c.byte_start);
    if (c.line_start !== lineStart || c.line_end !== Math.max(lineStart, lineAt(c.byte_end - 1)))
      return `record ${i} has the wrong lines`;
    if (c.id !== chunkId(c.path, c.byte_start, c.byte_end, c.content)) return `record ${i} has the wrong id`;
    if (c.content_hash !== contentHash(want)) return `record ${i} has the wrong content_hash`;
    end = c.byte_end;
  }
  if (end !== bytes.length) return `the records end at byte ${end} of ${bytes.length}`;
  return undefined;
}

/** Whether the record's content (and invalid_utf8 list) gives back `want`; a forged list may not even fit its range. */
function rebuilds(c: Chunk, want: Uint8Array): boolean {
  try {
    return Buffer.from(chunkBytes(c)).equals(want);
  } catch {
    return false; // offsets outside the range (RangeError)
  }
}

/** ChunkSchema's keys in the order weft writes them; the optional ones follow, in this order, when present. */
const KEYS = Object.keys(ChunkSchema.entries);
const REQUIRED = KEYS.filter((k) => ChunkSchema.entries[k as keyof typeof ChunkSchema.entries].type !== "optional");
const OPTIONAL = KEYS.filter((k) => !REQUIRED.includes(k));

/**
 * Whether `raw` is a chunk record with exactly the schema's keys, in its order. Checked by hand:
 * valibot on every record of a warm run cost about as much as parsing them (165 ms for 14,321
 * records here); the schema still decides the keys, and the optional fields go through it.
 */
function isRecord(raw: unknown): raw is Chunk {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  const keys = Object.keys(raw);
  if (keys.length < REQUIRED.length) return false;
  for (let k = 0; k < REQUIRED.length; k++) if (keys[k] !== REQUIRED[k]) return false;
  let next = 0;
  for (let k = REQUIRED.length; k < keys.length; k++) {
    const at = OPTIONAL.indexOf(keys[k]!, next);
    if (at < 0) return false;
    next = at + 1;
  }
  const r = raw as Record<string, unknown>;
  const count = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === "string");
  if (
    typeof r.id !== "string" ||
    typeof r.content_hash !== "string" ||
    typeof r.path !== "string" ||
    typeof r.language !== "string" ||
    typeof r.strategy !== "string" ||
    !count(r.index) ||
    !count(r.count) ||
    !count(r.byte_start) ||
    !count(r.byte_end) ||
    !count(r.line_start) ||
    !count(r.line_end) ||
    !count(r.tokens) ||
    !strings(r.kinds) ||
    !strings(r.symbols) ||
    !strings(r.scope) ||
    typeof r.partial !== "boolean" ||
    typeof r.has_error !== "boolean" ||
    typeof r.content !== "string"
  )
    return false;
  return keys.length === REQUIRED.length || v.is(ChunkSchema, raw);
}
