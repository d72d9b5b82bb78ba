// Shared invariant checks for chunker tests: lossless tiling, exact positions, budget.
import { expect } from "bun:test";
import { chunkBytes } from "../../src/chunkers/utf8.ts";
import type { Chunk } from "../../src/model/chunk.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";
import type { Governor } from "../../src/model/governor.ts";
import { tokenizerFor } from "../../src/tokenize/tokenizer.ts";

/** A DiscoveredFile for a test input. */
export function fileOf(path: string, language: string, size = 0): DiscoveredFile {
  return { index: 0, path, absPath: path, language, languageSource: "extension", size };
}

/** Governor with defaults for tests. */
export function gov(
  maxTokens = 512,
  tokenizer: Governor["tokenizer"] = "o200k",
  extra: Partial<Governor> = {},
): Governor {
  return { maxTokens, tokenizer, context: false, overlapLines: 0, ...extra };
}

// With replacement (one U+FFFD per maximal invalid subpart) and the BOM kept, as weft decodes.
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

/**
 * Problems with a file's chunks, as strings (empty when all hold): byte ranges tile the file from 0
 * to its length; each content is its byte range decoded with replacement; `invalid_utf8` lists
 * exactly the invalid bytes (see invalidProblems) and the record alone rebuilds the bytes; lines
 * are 1-based, inclusive and match the text; each chunk's `tokens` is its exact count and within
 * the budget; index/count are consistent.
 */
export function problems(
  bytes: Uint8Array,
  chunks: readonly Chunk[],
  governor: Governor,
  countTokens = true,
): string[] {
  const out: string[] = [];
  let pos = 0;
  let line = 1;
  const tk = tokenizerFor(governor.tokenizer);
  for (const c of chunks) {
    if (c.byte_start !== pos) out.push(`chunk ${c.index}: byte_start ${c.byte_start} != ${pos}`);
    if (c.byte_end <= c.byte_start || c.byte_end > bytes.length)
      out.push(`chunk ${c.index}: byte range ${c.byte_start}..${c.byte_end} of ${bytes.length}`);
    const range = bytes.subarray(c.byte_start, c.byte_end);
    if (lenient.decode(range) !== c.content)
      out.push(`chunk ${c.index}: content is not bytes ${c.byte_start}..${c.byte_end} decoded`);
    for (const p of invalidProblems(bytes, c)) out.push(`chunk ${c.index}: ${p}`);
    try {
      if (hexOf(chunkBytes(c)) !== hexOf(range)) out.push(`chunk ${c.index}: the record does not rebuild its bytes`);
    } catch (err) {
      out.push(`chunk ${c.index}: ${String(err)}`);
    }
    if (c.line_start !== line) out.push(`chunk ${c.index}: line_start ${c.line_start} != ${line}`);
    const nl = c.content.split("\n").length - 1;
    const endLine = line + nl - (c.content.endsWith("\n") ? 1 : 0);
    if (c.line_end !== endLine) out.push(`chunk ${c.index}: line_end ${c.line_end} != ${endLine}`);
    if (c.count !== chunks.length || c.index !== chunks.indexOf(c)) out.push(`chunk ${c.index}: index/count wrong`);
    if (countTokens) {
      const n = tk.count((c.context ?? "") + c.content);
      if (n !== c.tokens) out.push(`chunk ${c.index}: tokens ${c.tokens} != exact ${n}`);
      if (n > governor.maxTokens) out.push(`chunk ${c.index}: ${n} tokens over budget ${governor.maxTokens}`);
    }
    pos = c.byte_end;
    line += nl;
  }
  if (pos !== bytes.length) out.push(`chunks end at ${pos}, file has ${bytes.length} bytes`);
  return out;
}

/**
 * Checks `invalid_utf8` against the file without weft's own scan: the entries lie in order inside
 * the chunk, 1-3 bytes each, with the file's bytes as hex; the bytes between them are valid UTF-8;
 * and the content is exactly those valid stretches decoded with one U+FFFD for each entry. So the
 * entries are the invalid bytes, no more and no fewer, split as the decoder splits them.
 */
function invalidProblems(bytes: Uint8Array, c: Chunk): string[] {
  const entries = c.invalid_utf8 ?? [];
  if (c.invalid_utf8 && entries.length === 0) return ["invalid_utf8 is present but empty"];
  const out: string[] = [];
  let expected = "";
  let at = c.byte_start;
  for (const e of [...entries, { byte_start: c.byte_end, byte_end: c.byte_end, hex: "" }]) {
    if (e.byte_start < at || e.byte_end > c.byte_end)
      return [...out, `invalid_utf8 entry ${e.byte_start}..${e.byte_end} out of order or outside the chunk`];
    try {
      expected += strict.decode(bytes.subarray(at, e.byte_start));
    } catch {
      return [...out, `bytes ${at}..${e.byte_start} are not valid UTF-8 but are not listed in invalid_utf8`];
    }
    if (e.hex === "") break;
    const len = e.byte_end - e.byte_start;
    if (len < 1 || len > 3) out.push(`invalid_utf8 entry ${e.byte_start}..${e.byte_end} is ${len} bytes`);
    if (e.hex !== hexOf(bytes.subarray(e.byte_start, e.byte_end)))
      out.push(`invalid_utf8 entry ${e.byte_start}: hex ${e.hex} is not the file's bytes`);
    expected += "\uFFFD";
    at = e.byte_end;
  }
  if (expected !== c.content) out.push("content is not the valid bytes decoded with one U+FFFD per invalid_utf8 entry");
  return out;
}

/** Asserts that there are no problems. */
export function expectSound(bytes: Uint8Array, chunks: readonly Chunk[], governor: Governor): void {
  expect(problems(bytes, chunks, governor)).toEqual([]);
}
