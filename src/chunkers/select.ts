import type { LanguageSpec } from "../languages/spec.ts";
import type { Selection } from "../model/selection.ts";

/** Above this share of the text inside ERROR nodes, a tree is not worth following. */
export const ERROR_SHARE_LIMIT = 0.5;

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

/** Keeps a parsed tree, or falls back to delimiter rules when it is mostly ERROR nodes. */
export function judgeTree(lang: LanguageSpec, errorShare: number): Selection | undefined {
  if (errorShare <= ERROR_SHARE_LIMIT) return undefined;
  return {
    strategy: "delimiter",
    reason: `${Math.round(errorShare * 100)}% of the ${lang.name} tree is syntax errors: ${lang.delimiter} rules`,
  };
}

/**
 * Files above this size are not parsed. A syntax tree costs about 25 times the file's size in native
 * memory and chunking along it about as much again in the JavaScript heap (9 MB of JavaScript: 225 MB
 * of tree, 480 MB peak for the thread), so one such file would set the whole run's peak memory.
 * Hand-written source files are far smaller; files this large are bundles and generated code.
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
