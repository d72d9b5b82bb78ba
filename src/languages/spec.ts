import * as v from "valibot";
import { TARGET_IDS } from "./targets.ts";

/** Languages compiled into @ast-grep/napi itself, by its names. */
export const NapiLangSchema = v.picklist(["Html", "JavaScript", "Tsx", "Css", "TypeScript"]);
export type NapiLang = v.InferOutput<typeof NapiLangSchema>;

/** Where a language's tree-sitter grammar comes from. */
export const GrammarSchema = v.variant("kind", [
  /** A parser library from an @ast-grep/lang-* package, embedded in the binary and loaded through weft's tree reader. */
  v.object({
    kind: v.literal("package"),
    /** npm package name, e.g. "@ast-grep/lang-python". */
    pkg: v.string(),
    /** Exported tree-sitter symbol, e.g. "tree_sitter_python". */
    symbol: v.string(),
    expandoChar: v.string(),
    /**
     * Release targets for which the package publishes no prebuilt parser. Declared here, checked by
     * build.ts (a missing parser that is not declared fails the build, and so does a declared one
     * that exists), reported by `weft languages`; such files fall back to the delimiter chunker.
     */
    unavailableOn: v.optional(v.array(v.picklist(TARGET_IDS))),
    /**
     * The same language as built into @ast-grep/napi (its own copy of the grammar, possibly another
     * version): the oracle (diagnostics, tests) parses with it instead of registering the package's.
     */
    napiLang: v.optional(NapiLangSchema),
  }),
]);
export type Grammar = v.InferOutput<typeof GrammarSchema>;

/** Boundary-rule family for the delimiter chunker (languages without a grammar, broken trees). */
export const DelimiterFamilySchema = v.picklist(["brace", "indent", "end-keyword", "markup", "paragraph", "lisp"]);
export type DelimiterFamily = v.InferOutput<typeof DelimiterFamilySchema>;

/** One language weft knows: how to recognise its files and how to chunk them. */
export const LanguageSpecSchema = v.object({
  id: v.string(),
  name: v.string(),
  /** Lower-case extensions without the dot; compound ones allowed ("component.html", "d.ts"). */
  extensions: v.array(v.string()),
  /** Exact file names (Makefile, Dockerfile, ...). */
  filenames: v.array(v.string()),
  /** Interpreter names found in a shebang line (python3, sh, node, ...). */
  shebangs: v.array(v.string()),
  grammar: v.optional(GrammarSchema),
  delimiter: DelimiterFamilySchema,
  /** Syntax node kinds that define a named thing (function, class, method, type...). */
  definitions: v.array(v.string()),
  /** Line prefixes that start a comment (delimiter rules: comments join the block after them). */
  comments: v.optional(v.array(v.string())),
});
export type LanguageSpec = v.InferOutput<typeof LanguageSpecSchema>;
