import type { LanguageSpec } from "../languages/spec.ts";
import type { Selection } from "../model/selection.ts";

/**
 * The strategy for a file before parsing: `semantic` when its language has a grammar, else
 * `delimiter` when the language has delimiter rules, else `text`.
 */
export function selectForLanguage(lang: LanguageSpec | undefined): Selection {
  if (!lang) return { strategy: "text", reason: "no language rules for this file" };
  if (lang.grammar) return { strategy: "semantic", reason: `${lang.name} grammar` };
  return { strategy: "delimiter", reason: `no ${lang.name} grammar: ${lang.delimiter} rules` };
}

/**
 * The fallback when the parser cannot be used for a file that has a grammar; `degraded` when that
 * is a failure (not a grammar declared unavailable on this platform), so the run reports it.
 */
export function parserUnavailable(lang: LanguageSpec, detail: string, degraded: boolean): Selection {
  const selection: Selection = {
    strategy: "delimiter",
    reason: `${lang.name} parser unavailable (${detail}): ${lang.delimiter} rules`,
  };
  return degraded ? { ...selection, degraded: `${lang.name} parser could not be loaded: ${detail}` } : selection;
}

/**
 * Files above this size are not parsed. Re-measured with weft's own tree reader (2026-12-07,
 * parseTree alone, peak RSS over a 35-39 MiB baseline): parsing costs about 28 bytes per character
 * while tree-sitter builds the tree (JavaScript and Go alike: 2 MiB +55 MB, 4 MiB +115 MB, 8 MiB
 * +230 MB), of which the records that outlive the parse are 3.4 (0.21 nodes per character, 16
 * bytes each); glibc keeps the freed pages for the thread's next tree. The napi trees this limit
 * was first set for cost about twice that, but the run's peak target (250 MB at 2 workers) still
 * leaves no room for a 4 MiB tree in each worker, so the limit stays. Hand-written source files
 * are far smaller; files this large are bundles and generated code.
 */
export const PARSE_LIMIT_BYTES = 2 * 2 ** 20;

/** The strategy for a file of `bytes` bytes: selectForLanguage's, except that a file too large to parse gets delimiter rules. */
export function selectForFile(lang: LanguageSpec | undefined, bytes: number): Selection {
  const selection = selectForLanguage(lang);
  if (!lang || selection.strategy !== "semantic" || bytes <= PARSE_LIMIT_BYTES) return selection;
  return {
    strategy: "delimiter",
    reason: `${(bytes / 2 ** 20).toFixed(1)} MiB is above the ${PARSE_LIMIT_BYTES / 2 ** 20} MiB parse limit: ${lang.delimiter} rules`,
  };
}
