import type { DelimiterFamily, LanguageSpec } from "./spec.ts";

/** Comment prefixes assumed for a family when a language does not list its own. */
const FAMILY_COMMENTS: Record<DelimiterFamily, readonly string[]> = {
  brace: ["//", "/*", "*"],
  indent: ["#"],
  "end-keyword": ["#"],
  markup: ["<!--"],
  paragraph: [],
  lisp: [";"],
};

/** The line prefixes that start a comment in this language. */
export function commentPrefixes(lang: LanguageSpec): readonly string[] {
  return lang.comments ?? FAMILY_COMMENTS[lang.delimiter];
}
