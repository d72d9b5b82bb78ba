// Shared invariant checks for chunker tests: lossless tiling, exact positions, budget.
import { expect } from "bun:test";
import type { Chunk } from "../../src/model/chunk.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";
import type { Governor } from "../../src/model/governor.ts";
import { tokenizerFor } from "../../src/tokenize/tokenizer.ts";

/** A DiscoveredFile for a test input. */
export function fileOf(path: string, language: string, size = 0): DiscoveredFile {
  return { index: 0, path, absPath: path, language, languageSource: "extension", size };
}

/** Governor with defaults for tests. */
export function gov(maxTokens = 512, tokenizer: Governor["tokenizer"] = "o200k", extra: Partial<Governor> = {}): Governor {
  return { maxTokens, tokenizer, context: false, overlapLines: 0, ...extra };
}

const encoder = new TextEncoder();

/**
 * Problems with a file's chunks, as strings (empty when all hold): contents concatenate to the
 * bytes; byte ranges are contiguous from 0 to the length and match the content's UTF-8 length;
 * lines are 1-based, inclusive and match the text; each chunk's `tokens` is its exact count and
 * within the budget; index/count are consistent.
 */
export function problems(bytes: Uint8Array, chunks: readonly Chunk[], governor: Governor, countTokens = true): string[] {
  const out: string[] = [];
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  if (chunks.map((c) => c.content).join("") !== text) out.push("contents do not concatenate to the file");
  let pos = 0;
  let line = 1;
  const tk = tokenizerFor(governor.tokenizer);
  for (const c of chunks) {
    const len = encoder.encode(c.content).length;
    if (c.byte_start !== pos) out.push(`chunk ${c.index}: byte_start ${c.byte_start} != ${pos}`);
    if (c.byte_end - c.byte_start !== len) out.push(`chunk ${c.index}: byte range ${c.byte_end - c.byte_start} != content bytes ${len}`);
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

/** Asserts that there are no problems. */
export function expectSound(bytes: Uint8Array, chunks: readonly Chunk[], governor: Governor): void {
  expect(problems(bytes, chunks, governor)).toEqual([]);
}
