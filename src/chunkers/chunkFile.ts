import { buildChunks, headerReserve } from "../chunkers/build.ts";
import { delimiterUnits } from "../chunkers/delimiter.ts";
import { fitter, pack, packAnchored, splitOversize } from "../chunkers/pack.ts";
import { semanticUnits } from "../chunkers/semantic.ts";
import { textUnits } from "../chunkers/text.ts";
import type { Unit } from "../chunkers/unit.ts";
import { byteMap, decodeFile, type DecodedFile } from "../chunkers/utf8.ts";
import { commentPrefixes } from "../languages/comments.ts";
import { loadParsers, type ParserStatus } from "../languages/registry.ts";
import type { LanguageSpec } from "../languages/spec.ts";
import { grammarLanguages, languageById } from "../languages/table.ts";
import { errorMessage } from "../model/errors.ts";
import { isInterrupted } from "../model/interrupt.ts";
import type { DiscoveredFile } from "../model/file.ts";
import type { Chunk } from "../model/chunk.ts";
import type { Governor } from "../model/governor.ts";
import { failedResult, type FileResult, type RecoveredRegion } from "../model/result.ts";
import type { Selection, Strategy } from "../model/selection.ts";
import { parserUnavailable, selectForFile } from "./select.ts";
import { tokenizerFor } from "../tokenize/tokenizer.ts";
import { errorRanges, type FlatTree } from "../tree/flatTree.ts";
import { parseTree } from "../tree/parseTree.ts";

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
 * The syntax tree is plain records, freed in C before the parse returns: nothing native outlives
 * the call. `force` overrides the selector, for tests that run every strategy over the same files.
 */
export function chunkFile(file: DiscoveredFile, bytes: Uint8Array, governor: Governor, force?: Strategy): FileResult {
  try {
    return chunkText(file, decodeFile(bytes), governor, force);
  } catch (err) {
    if (isInterrupted(err)) throw err; // the run stops: not this file's failure
    return failedResult(file, "chunk", "chunk-error", errorMessage(err));
  }
}

/** Chunks a decoded file (the body of chunkFile; throws on internal errors). */
function chunkText(file: DiscoveredFile, decoded: DecodedFile, governor: Governor, force?: Strategy): FileResult {
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
  let recovered: RecoveredRegion[] = [];
  try {
    // Equal lengths and nothing invalid: the text is ASCII. (A U+FFFD for one invalid byte is 3
    // bytes of text to a tokenizer.)
    const unitBytes = byteLength === text.length && decoded.invalid.length === 0 ? 1 : 3;
    const fits = fitter(index, budget, unitBytes);

    let units: Unit[] | undefined;
    let errors: [number, number][] = [];
    if (selection.strategy === "semantic" && lang) {
      const tried = semantic(lang, text, fits);
      if ("fallback" in tried) selection = tried.fallback;
      else {
        ({ units, errors } = tried);
        if (tried.regions.length > 0) {
          recovered = recoveredRegions(decoded, tried.regions);
          // No unit from the tree at all: the file was cut by delimiter rules alone, and says so.
          const strategy = units.every((u) => u.recovered) ? "delimiter" : "semantic";
          selection = { strategy, reason: recoveryReason(lang, text.length, errors, recovered.length) };
        }
      }
    }
    if (!units && selection.strategy === "delimiter") {
      units = lang
        ? delimiterUnits(text, lang.delimiter, commentPrefixes(lang), fits)
        : delimiterUnits(text, "paragraph", [], fits);
    }
    units ??= textUnits(text);

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
    ...(recovered.length > 0 && { recovered }),
    chunks,
  };
}

/** The reason of a file whose tree has ERROR regions cut by delimiter rules. */
function recoveryReason(lang: LanguageSpec, length: number, errors: [number, number][], regions: number): string {
  let inError = 0;
  for (const [s, e] of errors) inError += e - s;
  const share = Math.round((inError / length) * 100);
  return `${lang.name} grammar; ${share}% of the text is syntax errors: ${lang.delimiter} rules in ${regions} ${regions === 1 ? "region" : "regions"}`;
}

/** UTF-16 regions (sorted, disjoint) as byte and 1-based line ranges of the file. */
function recoveredRegions(decoded: DecodedFile, regions: readonly [number, number][]): RecoveredRegion[] {
  const { text } = decoded;
  const bytes = byteMap(decoded);
  let line = 1;
  let at = 0;
  const lineOf = (p: number): number => {
    for (let nl = text.indexOf("\n", at); nl !== -1 && nl < p; nl = text.indexOf("\n", nl + 1)) {
      line++;
      at = nl + 1;
    }
    return line;
  };
  return regions.map(([s, e]) => {
    const byteStart = bytes.offset(s);
    const lineStart = lineOf(s);
    return {
      byte_start: byteStart,
      byte_end: bytes.offset(e),
      line_start: lineStart,
      line_end: Math.max(lineStart, lineOf(e - 1)),
      rule: "delimiter" as const,
    };
  });
}

type SemanticOutcome =
  { units: Unit[]; errors: [number, number][]; regions: [number, number][] } | { fallback: Selection };

function semantic(lang: LanguageSpec, text: string, fits: (s: number, e: number) => boolean): SemanticOutcome {
  // A BOM is not part of the grammar: parse without it and shift positions by one.
  const offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let tree: FlatTree;
  try {
    tree = parseTree(lang.id, offset ? text.slice(1) : text);
  } catch (err) {
    // A grammar declared unavailable on this platform is a documented limit; any other load
    // failure (a refused cache, a tampered file) means the file was not chunked as asked.
    const load = parserLoad(lang);
    const declared = load !== undefined && !load.ok && load.unavailable === true;
    return { fallback: parserUnavailable(lang, load && !load.ok ? load.error : errorMessage(err), !declared) };
  }
  // No share of ERROR nodes sends the whole file to delimiter rules: semanticUnits follows the
  // tree where it holds and cuts only the ERROR regions by them.
  const errors = errorRanges(tree, offset);
  return { ...semanticUnits(tree, text, offset, lang, fits), errors };
}
