// The definition-integrity checker shared by the corpus property tests and tests/bench/delimiterIntegrity.ts:
// definitions found by parsing with @ast-grep/napi, and whether a chunking keeps each one in one chunk.
import { parse, type SgNode } from "@ast-grep/napi";
import { napiName } from "../../src/languages/oracle.ts";

/** Functions, methods and classes, per language; a wrapper (decorators, export) is part of them. */
/**
 * The effect sources (in the corpus, typescript/effect-src/NAME.ts) whose every chunk was
 * `strategy: "delimiter"` before issue 24: the grammar fails on about all of their text.
 */
export const EFFECT_11 = [
  "Data",
  "DateTime",
  "FiberHandle",
  "FiberMap",
  "Function",
  "Match",
  "Pipeable",
  "STM",
  "Schema",
  "internal/dateTime",
  "internal/stm/stm",
];

export const DEFINITIONS: Record<string, { kinds: string[]; wrappers: string[] }> = {
  python: { kinds: ["function_definition", "class_definition"], wrappers: ["decorated_definition"] },
  typescript: {
    kinds: [
      "function_declaration",
      "generator_function_declaration",
      "class_declaration",
      "abstract_class_declaration",
      "method_definition",
    ],
    wrappers: ["export_statement"],
  },
  go: { kinds: ["function_declaration", "method_declaration", "type_declaration"], wrappers: [] },
};

/**
 * The broader set of tests/bench/stability.ts (issue 24 measured with it): also interfaces, type
 * aliases, enums and namespaces at any depth, and top-level variable and constant declarations
 * (`export const f = <A>(...) => ...`, Go's `const (...)`), the kinds delimiter headers span most.
 */
export const BROAD_DEFINITIONS: Record<string, { kinds: string[]; topLevel: string[]; wrappers: string[] }> = {
  python: { kinds: DEFINITIONS.python!.kinds, topLevel: [], wrappers: DEFINITIONS.python!.wrappers },
  typescript: {
    kinds: [
      ...DEFINITIONS.typescript!.kinds,
      "interface_declaration",
      "type_alias_declaration",
      "enum_declaration",
      "internal_module",
      "module",
    ],
    topLevel: ["lexical_declaration", "variable_declaration"],
    wrappers: ["export_statement"],
  },
  go: { kinds: DEFINITIONS.go!.kinds, topLevel: ["const_declaration", "var_declaration"], wrappers: [] },
};

/**
 * UTF-16 extents of the definitions of a file, leading comments included (grammars must be
 * loaded); `broad` counts BROAD_DEFINITIONS instead of DEFINITIONS.
 */
export function definitionExtents(language: string, text: string, broad = false): [number, number][] {
  const root = parse(napiName(language), text).root();
  const defs: SgNode[] = [];
  if (!broad) {
    const spec = DEFINITIONS[language]!;
    for (const node of root.findAll({ rule: { any: spec.kinds.map((kind) => ({ kind })) } })) {
      const parent = node.parent();
      defs.push(parent && spec.wrappers.includes(String(parent.kind())) ? parent : node);
    }
  } else {
    const spec = BROAD_DEFINITIONS[language]!;
    const kinds = new Set(spec.kinds);
    const top = new Set(spec.topLevel);
    // A wrapper stands for what it wraps; inside any definition, functions, classes and types still
    // count, variables no longer do.
    const visit = (node: SgNode, atTop: boolean): void => {
      for (const child of node.children()) {
        const kind = String(child.kind());
        const counts = (k: string) => kinds.has(k) || (atTop && top.has(k));
        const inner = spec.wrappers.includes(kind) ? child.children().find((c) => counts(String(c.kind()))) : undefined;
        if (inner || counts(kind)) {
          defs.push(child);
          visit(inner ?? child, false);
          continue;
        }
        visit(child, atTop);
      }
    };
    visit(root, true);
  }
  const out: [number, number][] = [];
  for (const def of defs) {
    let start = def.range().start.index;
    const end = def.range().end.index;
    // Leading comments: comment siblings right above, no blank line between.
    for (let prev = def.prev(); prev && String(prev.kind()).includes("comment"); prev = prev.prev()) {
      const r = prev.range();
      if (text.slice(r.end.index, start).split("\n").length > 2) break;
      start = r.start.index;
    }
    out.push([start, end]);
  }
  return out;
}

/**
 * Definition integrity of one chunking: of the definitions that fit the budget alone (`fits`),
 * how many lie in one chunk; `bounds` are the chunk boundaries (UTF-16, from 0 to the text's end).
 * `broken` holds the 1-based start lines of the ones cut.
 */
export function integrity(
  text: string,
  extents: readonly [number, number][],
  bounds: readonly number[],
  fits: (s: number, e: number) => boolean,
): { eligible: number; whole: number; broken: number[] } {
  let eligible = 0;
  let whole = 0;
  const broken: number[] = [];
  for (const [s, e] of extents) {
    if (!fits(s, e)) continue;
    eligible++;
    // The chunk holding s must also hold e.
    let k = 0;
    while (bounds[k + 1]! <= s) k++;
    if (bounds[k + 1]! >= e) whole++;
    else broken.push(text.slice(0, s).split("\n").length);
  }
  return { eligible, whole, broken };
}
