import { parse, type SgNode } from "@ast-grep/napi";
import { buildChunks, headerReserve } from "../chunkers/build.ts";
import { delimiterUnits } from "../chunkers/delimiter.ts";
import { fitter, pack, packAnchored, splitOversize } from "../chunkers/pack.ts";
import { semanticUnits } from "../chunkers/semantic.ts";
import { textUnits } from "../chunkers/text.ts";
import type { Unit } from "../chunkers/unit.ts";
import { decodeFile, type DecodedFile } from "../chunkers/utf8.ts";
import { commentPrefixes } from "../languages/comments.ts";
import { loadParsers, napiName, type ParserStatus } from "../languages/registry.ts";
import type { LanguageSpec } from "../languages/spec.ts";
import { grammarLanguages, languageById } from "../languages/table.ts";
import { errorMessage } from "../model/errors.ts";
import type { DiscoveredFile } from "../model/file.ts";
import type { Chunk } from "../model/chunk.ts";
import type { Governor } from "../model/governor.ts";
import { failedResult, type FileResult } from "../model/result.ts";
import type { Selection, Strategy } from "../model/selection.ts";
import { judgeTree, parserUnavailable, selectForFile } from "./select.ts";
import { tokenizerFor } from "../tokenize/tokenizer.ts";

let parserStatus: Map<string, ParserStatus> | undefined;

/**
 * Loads every grammar once per process (ast-grep allows one registration per process), for
 * callers that did not load them first; the load status of `lang`.
 */
function parserLoad(lang: LanguageSpec): ParserStatus | undefined {
  parserStatus ??= loadParsers(grammarLanguages().map((l) => l.id));
  return parserStatus.get(lang.id);
}

/**
 * Chunks one file: pure apart from the parser, and the ONLY function both executors call, so the
 * worker path and the inline path cannot differ. Never throws: failures come back as data.
 * Invalid UTF-8 is chunked too: the content shows each invalid sequence as U+FFFD and the chunk
 * lists its bytes (`invalid_utf8`), while byte ranges stay those of the file on disk.
 * Parse trees are native and freed only when the event loop turns: callers chunking many files in
 * a row must yield every few files to keep memory bounded (execute/memory.ts; this never collects).
 * `force` overrides the selector, for tests that run every strategy over the same files.
 * `betweenPhases` is called with the text's length after indexing and after finding the units: a
 * big file's phases each leave garbage at several times its size, and the caller's memory policy
 * may collect there (this module never does).
 */
export function chunkFile(
  file: DiscoveredFile,
  bytes: Uint8Array,
  governor: Governor,
  force?: Strategy,
  betweenPhases?: (chars: number) => void,
): FileResult {
  try {
    return chunkText(file, decodeFile(bytes), governor, force, betweenPhases);
  } catch (err) {
    return failedResult(file, "chunk", "chunk-error", errorMessage(err));
  }
}

/** Chunks a decoded file (the body of chunkFile; throws on internal errors). */
function chunkText(
  file: DiscoveredFile,
  decoded: DecodedFile,
  governor: Governor,
  force?: Strategy,
  betweenPhases?: (chars: number) => void,
): FileResult {
  const { text } = decoded;
  const byteLength = decoded.bytes.length;
  const lang = languageById(file.language);
  let selection = force ? { strategy: force, reason: "forced" } : selectForFile(lang, byteLength);
  if (text.length === 0) {
    return {
      status: "chunked",
      index: file.index,
      path: file.path,
      strategy: selection.strategy,
      reason: "empty file",
      chunks: [],
    };
  }
  const tokenizer = tokenizerFor(governor.tokenizer);
  const budget = governor.context ? governor.maxTokens - headerReserve(governor.maxTokens) : governor.maxTokens;
  const index = tokenizer.index(text);
  let chunks: Chunk[];
  try {
    betweenPhases?.(text.length);
    // Equal lengths and nothing invalid: the text is ASCII. (A U+FFFD for one invalid byte is 3
    // bytes of text to a tokenizer.)
    const unitBytes = byteLength === text.length && decoded.invalid.length === 0 ? 1 : 3;
    const fits = fitter(index, budget, unitBytes);

    let units: Unit[] | undefined;
    let errors: [number, number][] = [];
    if (selection.strategy === "semantic" && lang) {
      const tried = semantic(lang, text, fits);
      if ("fallback" in tried) selection = tried.fallback;
      else ({ units, errors } = tried);
    }
    if (!units && selection.strategy === "delimiter") {
      units = lang
        ? delimiterUnits(text, lang.delimiter, commentPrefixes(lang), fits)
        : delimiterUnits(text, "paragraph", [], fits);
    }
    units ??= textUnits(text);
    betweenPhases?.(text.length);

    const pieces = splitOversize(units, text, index, budget, unitBytes);
    const plans = (governor.packing === "anchored" ? packAnchored : pack)(pieces, text, index, budget, unitBytes);
    chunks = buildChunks({
      path: file.path,
      language: file.language,
      strategy: selection.strategy,
      file: decoded,
      units: pieces,
      plans,
      index,
      tokenizer,
      governor,
      errors,
    });
  } finally {
    index.release(); // its arrays can serve the next file's index
  }
  const degraded = selection.degraded === undefined ? {} : { degraded: selection.degraded };
  return {
    status: "chunked",
    index: file.index,
    path: file.path,
    strategy: selection.strategy,
    reason: selection.reason,
    ...degraded,
    chunks,
  };
}

type SemanticOutcome = { units: Unit[]; errors: [number, number][] } | { fallback: Selection };

function semantic(lang: LanguageSpec, text: string, fits: (s: number, e: number) => boolean): SemanticOutcome {
  // A BOM is not part of the grammar: parse without it and shift positions by one.
  const offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const source = offset ? text.slice(1) : text;
  let root: SgNode;
  try {
    root = parse(napiName(lang.id), source).root();
  } catch {
    // Grammars are loaded only when a parse fails: in a worker the main thread has registered
    // them already, and loading every grammar again cost each worker ~100 ms of CPU.
    const load = parserLoad(lang);
    try {
      root = parse(napiName(lang.id), source).root();
    } catch (err) {
      // A grammar declared unavailable on this platform is a documented limit; any other load
      // failure (a refused cache, a tampered file) means the file was not chunked as asked.
      const declared = load !== undefined && !load.ok && load.unavailable === true;
      return { fallback: parserUnavailable(lang, load && !load.ok ? load.error : errorMessage(err), !declared) };
    }
  }
  const errors = errorRanges(root, offset);
  let inError = 0;
  for (const [s, e] of errors) inError += e - s;
  const verdict = judgeTree(lang, inError / text.length);
  if (verdict) return { fallback: verdict };
  return { units: semanticUnits(root, text, offset, lang, fits), errors };
}

/** Disjoint, sorted text ranges covered by ERROR nodes (one native search for the whole tree). */
function errorRanges(root: SgNode, offset: number): [number, number][] {
  const found = root.findAll({ rule: { kind: "ERROR" } });
  if (found.length === 0) return [];
  const ranges = found
    .map((n) => {
      const r = n.range();
      return [r.start.index + offset, r.end.index + offset] as [number, number];
    })
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}
