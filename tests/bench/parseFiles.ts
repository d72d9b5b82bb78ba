import { parse } from "@ast-grep/napi";
import { readFileSync } from "node:fs";
import { napiName, registerOracle } from "../../src/languages/oracle.ts";
import { languageById } from "../../src/languages/table.ts";

/** A file for the parse-only baseline: where it is and which language to parse it as. */
export type ParseJob = { abs: string; language: string; size: number };

/** What the baseline did with a set of files. */
export type ParseCounts = {
  files: number;
  bytes: number;
  parsed: number;
  parsedBytes: number;
  textOnly: number;
  invalidUtf8: number;
};

const utf8 = new TextDecoder("utf-8", { fatal: true });
const withReplacement = new TextDecoder("utf-8");

/** Zero counts. */
export function emptyCounts(): ParseCounts {
  return { files: 0, bytes: 0, parsed: 0, parsedBytes: 0, textOnly: 0, invalidUtf8: 0 };
}

/** Adds b into a. */
export function addCounts(a: ParseCounts, b: ParseCounts): void {
  for (const k of Object.keys(a) as (keyof ParseCounts)[]) a[k] += b[k];
}

/** Registers the grammars these languages need (in this thread); unknown or grammar-less ones are read only. */
export function prepareLanguages(languages: readonly string[]): Set<string> {
  const withGrammar = [...new Set(languages)].filter((id) => languageById(id)?.grammar);
  const status = registerOracle(withGrammar);
  return new Set(withGrammar.filter((id) => status.get(id) === undefined && status.has(id)));
}

/**
 * The physical floor of a syntax-aware chunker: read the file, decode UTF-8 and build the syntax
 * tree with @ast-grep/napi, touching nothing in it. Files without a loadable grammar are read and
 * decoded only. Invalid UTF-8 is counted, then decoded with replacement and parsed, as weft does.
 */
export function parseOne(job: ParseJob, parsable: ReadonlySet<string>, counts: ParseCounts): void {
  const bytes = readFileSync(job.abs);
  counts.files++;
  counts.bytes += bytes.length;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    counts.invalidUtf8++;
    text = withReplacement.decode(bytes);
  }
  if (!parsable.has(job.language)) {
    counts.textOnly++;
    return;
  }
  parse(napiName(job.language), text);
  counts.parsed++;
  counts.parsedBytes += bytes.length;
}

/** Gives the event loop a turn: @ast-grep/napi frees parse trees only then (see BUN-PLATFORM.md). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
