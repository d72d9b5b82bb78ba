import { encodePath, hasRawBytes } from "../discover/pathBytes.ts";
import type { Chunk } from "../model/chunk.ts";
import type { Governor } from "../model/governor.ts";
import { checkInterrupt } from "../model/interrupt.ts";
import type { Strategy } from "../model/selection.ts";
import type { TextIndex, Tokenizer } from "../tokenize/contract.ts";
import type { Plan } from "./pack.ts";
import type { Unit } from "./unit.ts";
import { byteMap, type DecodedFile } from "./utf8.ts";

/** Everything needed to turn planned ranges into output records. */
export type BuildInput = {
  path: string;
  language: string;
  strategy: Strategy;
  /** The file's text, its bytes and where they differ. */
  file: DecodedFile;
  units: readonly Unit[];
  plans: readonly Plan[];
  index: TextIndex;
  tokenizer: Tokenizer;
  governor: Governor;
  /** Sorted UTF-16 ranges of syntax ERROR nodes. */
  errors: readonly (readonly [number, number])[];
};

const KIND_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_KINDS = 8;

/** Chunk records for planned ranges: exact byte and line positions, counts, ids, context. */
export function buildChunks(input: BuildInput): Chunk[] {
  const { plans, units } = input;
  const text = input.file.text;
  const chunks: Chunk[] = [];
  // Forward cursors: positions only grow, so bytes and lines cost one pass over the text.
  const bytes = byteMap(input.file);
  let line = 1;
  let nextNewline = text.indexOf("\n");
  const lineOf = (p: number): number => {
    // nextNewline is the first newline not yet counted (-1: none left), so each is found once.
    while (nextNewline !== -1 && nextNewline < p) {
      line++;
      nextNewline = text.indexOf("\n", nextNewline + 1);
    }
    return line;
  };
  let errorCursor = 0;
  for (let k = 0; k < plans.length; k++) {
    if ((k & 0x3ff) === 0x3ff) checkInterrupt(); // every 1,024 chunks
    const plan = plans[k]!;
    const content = text.slice(plan.start, plan.end);
    const byteStart = bytes.offset(plan.start);
    const byteEnd = bytes.offset(plan.end);
    const lineStart = lineOf(plan.start);
    const lineEnd = lineOf(plan.end - 1);
    const kinds: string[] = [];
    const symbols: string[] = [];
    let scope: readonly string[] | undefined;
    let partial = false;
    let recovered = false;
    for (let u = plan.first; u <= plan.last; u++) {
      const unit = units[u]!;
      if (unit.recovered) recovered = true;
      if (unit.kind && KIND_NAME.test(unit.kind) && kinds.length < MAX_KINDS && !kinds.includes(unit.kind))
        kinds.push(unit.kind);
      if (unit.symbol && !symbols.includes(unit.symbol)) symbols.push(unit.symbol);
      if (unit.partial) partial = true;
      scope = scope === undefined ? unit.scope : commonPrefix(scope, unit.scope);
    }
    while (errorCursor < input.errors.length && input.errors[errorCursor]![1] <= plan.start) errorCursor++;
    const err = input.errors[errorCursor];
    const chunk: Chunk = {
      id: "",
      content_hash: contentHash(input.file.bytes.subarray(byteStart, byteEnd)),
      path: input.path,
      language: input.language,
      // A chunk holding a unit cut by delimiter rules (a recovered ERROR region) says so.
      strategy: recovered ? "delimiter" : input.strategy,
      index: k,
      count: plans.length,
      byte_start: byteStart,
      byte_end: byteEnd,
      line_start: lineStart,
      line_end: Math.max(lineStart, lineEnd),
      tokens: input.index.count(plan.start, plan.end),
      kinds,
      symbols,
      scope: [...(scope ?? [])],
      partial,
      has_error: err !== undefined && err[0] < plan.end,
      content,
    };
    const invalid = bytes.invalidIn(plan.start, plan.end);
    if (invalid) chunk.invalid_utf8 = invalid;
    chunk.id = chunkId(input.path, byteStart, byteEnd, content);
    if (input.governor.context) {
      const context = fitHeader(chunk, input.tokenizer, input.governor.maxTokens);
      chunk.context = context.header;
      chunk.tokens = context.tokens;
    }
    if (input.governor.overlapLines > 0 && plan.start > 0)
      chunk.overlap_before = linesBefore(text, plan.start, input.governor.overlapLines);
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * Stable id: a hash of path, byte range and content (never random; same input, same id). Bun hashes
 * a string's UTF-8, in which every byte of a name that is not UTF-8 would be U+FFFD: such a path is
 * hashed as its exact bytes, so two files whose names differ in one bad byte get different ids.
 */
export function chunkId(path: string, byteStart: number, byteEnd: number, content: string): string {
  const rest = `\0${byteStart}\0${byteEnd}\0${content}`;
  const key = hasRawBytes(path) ? Buffer.concat([encodePath(path), Buffer.from(rest)]) : path + rest;
  return Bun.hash.xxHash3(key).toString(16).padStart(16, "0");
}

/**
 * `content_hash`: sha256 of the chunk's bytes as on disk, lower-case hex (`sha256sum` of the byte
 * range gives the same). It hashes the original bytes, not the decoded `content`, so invalid UTF-8
 * that decodes to the same U+FFFD still hashes apart.
 */
export function contentHash(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

function commonPrefix(a: readonly string[], b: readonly string[]): readonly string[] {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n === a.length ? a : a.slice(0, n);
}

/** The context header: path, scope chain, defined symbols; one line each, ending in a newline. */
export function contextHeader(path: string, scope: readonly string[], symbols: readonly string[]): string {
  let h = `File: ${path}\n`;
  if (scope.length > 0) h += `Scope: ${scope.join(" > ")}\n`;
  if (symbols.length > 0) h += `Defines: ${symbols.join(", ")}\n`;
  return h;
}

/**
 * The largest header (dropping symbols, then outer scope, then the directory part of the path)
 * with which header + content fits the budget; the chunker left room for it (see headerReserve).
 */
function fitHeader(chunk: Chunk, tokenizer: Tokenizer, budget: number): { header: string; tokens: number } {
  const candidates: string[] = [contextHeader(chunk.path, chunk.scope, chunk.symbols)];
  for (let i = 0; i <= chunk.scope.length; i++) candidates.push(contextHeader(chunk.path, chunk.scope.slice(i), []));
  const base = chunk.path.slice(chunk.path.lastIndexOf("/") + 1);
  candidates.push(contextHeader(base, [], []));
  for (const header of candidates) {
    const tokens = tokenizer.count(header + chunk.content);
    if (tokens <= budget) return { header, tokens };
  }
  return { header: "", tokens: chunk.tokens };
}

/** Tokens kept free for the context header: the content budget is the rest. */
export function headerReserve(maxTokens: number): number {
  return Math.min(64, Math.floor(maxTokens / 4));
}

/** Up to n lines of text before position p (the line p starts mid-way counts as one). */
function linesBefore(text: string, p: number, n: number): string {
  let q = p;
  for (let i = 0; i < n && q > 0; i++) q = text.lastIndexOf("\n", q - 2) + 1;
  return text.slice(q, p);
}
