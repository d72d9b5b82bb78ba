import type { SgNode } from "@ast-grep/napi";
import type { LanguageSpec } from "../languages/spec.ts";
import { type Unit, tile } from "./unit.ts";

/** Node kinds that belong to the definition after them (doc comments, decorators, attributes). */
const LEADING = /comment|decorator|attribute|annotation|pragma/;
/** Nodes cut by lines and characters instead of opened: their children are escapes and pieces. */
const OPAQUE = /string|comment|heredoc|regex/;
/**
 * Data literals (dicts, lists, composite literals, initializers) and operator chains (a generated
 * `"..." + "..." + ...` nests one node per operand). A big one is cut by lines, like a string,
 * unless it holds a definition (a JavaScript object with methods): opening it would cost native
 * calls per element (44% of the nodes touched on the Python corpus; Go's zipdata.go: 0.35 s and
 * 24 MB less) for no definition to keep whole.
 */
const DATA =
  /^(binary_expression|concatenated_string|dictionary|list|set|tuple|object|array|hash|map|literal_value|initializer_list|array_initializer|initializer_expression|array_expression|array_creation_expression|table_constructor|collection_literal|array_literal|dictionary_literal|list_literal|set_or_map_literal)$/;
/** Fields that lead from a definition towards its name, tried in order after `name`. */
const NAME_PATHS = ["declarator", "definition", "declaration"] as const;
/** Kinds that are a name themselves. */
const NAME_KIND = /identifier$|^name$|^word$|^constant$|^simple_identifier$|^type_identifier$/;
/** Kinds that hold the name of a declaration listing several (Go `type (...)`, `const x = ...`). */
const SPEC_KIND = /_spec$|^variable_declarator$|^init_declarator$|^type_alias$/;

/** A size test over UTF-16 ranges of the file text: true when text[s, e) fits the budget. */
export type Fits = (s: number, e: number) => boolean;

/**
 * Split-then-merge, the split half: the units of a syntax tree. A node that fits the budget
 * (with the whitespace that will surround it) is one unit, touched by two native calls; only
 * nodes too big are opened, so the cost follows the number of big nodes, not the tree size.
 * Leading comments, decorators and attributes are glued to the node after them. `offset` maps
 * parser indices to text indices (1 when a BOM was stripped before parsing).
 */
export function semanticUnits(root: SgNode, text: string, offset: number, lang: LanguageSpec, fits: Fits): Unit[] {
  const defs = new Set(lang.definitions);
  const units: Unit[] = [];
  const anyDefinition =
    lang.definitions.length > 0 ? { rule: { any: lang.definitions.map((kind) => ({ kind })) } } : undefined;
  /** True when a node too big to take whole is cut by lines instead of opened. */
  const cutByLines = (node: SgNode, kind: string, s: number, e: number): boolean =>
    OPAQUE.test(kind) ||
    dense(text, s, e) ||
    (DATA.test(kind) && !(anyDefinition && node.find(anyDefinition as never)));

  const open = (children: SgNode[], scope: readonly string[], partial: boolean, ownName: string | undefined): void => {
    for (const child of children) {
      const r = span(child);
      const s = r.startPos + offset;
      const e = r.endPos + offset;
      if (e <= s) continue; // zero-width (MISSING) nodes hold no text
      const rawKind = String(child.kind());
      // Anonymous nodes (keywords, punctuation) are named by their own text: no kind to report.
      const kind = e - s === rawKind.length && text.startsWith(rawKind, s) ? "" : rawKind;
      const isDef = defs.has(kind);
      if (fits(extStart(text, s), extEnd(text, e))) {
        const unit: Unit = { start: s, end: e, kind, scope, partial };
        if (isDef) {
          const name = nameOf(child, kind);
          if (name) unit.symbol = name.text(); // one native call, where range() then a slice costs more
        }
        units.push(unit);
        continue;
      }
      const grandchildren = cutByLines(child, kind, s, e) ? [] : child.children();
      if (grandchildren.length === 0) {
        // A leaf too big (a huge string or comment): the packer cuts it by lines, then characters.
        units.push({ start: s, end: e, kind, scope, partial: true });
        continue;
      }
      let inner = scope;
      let innerName = ownName;
      if (isDef) {
        const node = nameOf(child, kind);
        const name = node && nameRange(node, text, offset);
        // A wrapper (export, decorators) and the definition it wraps give one scope entry.
        if (name && name.text !== ownName) {
          const head = text.slice(Math.max(s, text.lastIndexOf("\n", name.start) + 1), name.end);
          inner = [...scope, head.replace(/\s+/g, " ").trim().slice(0, 120)];
          innerName = name.text;
        }
      }
      open(grandchildren, inner, true, innerName);
    }
  };

  // The root is always opened (one native call) so even a small file reports its top-level
  // kinds and symbols; the packer puts the pieces back together.
  open(root.children(), [], false, undefined);
  glue(units, text, fits);
  return tile(units, text);
}

/**
 * Where a unit starting at s will start once tiled: at its line start when only indentation
 * precedes it. Sizes are checked on these ranges: they are what the chunk will hold, and their
 * ends are usually pre-tokenizer piece boundaries, which the token index counts without
 * re-tokenizing (a node's own end, as in `}` before `\n`, often is not).
 */
function extStart(text: string, s: number): number {
  let p = s;
  while (p > 0) {
    const c = text.charCodeAt(p - 1);
    if (c === 32 || c === 9) p--;
    else return c === 10 ? p : s;
  }
  return 0;
}

/** Where a unit ending at e will end once tiled: after the whitespace through its last newline. */
function extEnd(text: string, e: number): number {
  let p = e;
  let last = e;
  while (p < text.length) {
    const c = text.charCodeAt(p);
    if (c === 10) last = ++p;
    else if (c === 32 || c === 9 || c === 13) p++;
    else break;
  }
  return p === text.length ? p : last;
}

/**
 * A node's text range, as UTF-16 indices (the same as range().start/end.index). An edit that
 * would replace the node carries exactly that range and, built and never committed, changes
 * nothing; it costs ~30% less than range(), which also computes lines and columns (measured:
 * 2.0 vs 2.9 us per node), and positions are read for every node the chunker touches.
 */
function span(node: SgNode): { startPos: number; endPos: number } {
  return node.replace("");
}

/** Per definition kind, the field path that led to its name last time (most kinds have one). */
const namePaths = new Map<string, readonly string[]>();

/**
 * The name of a definition: its `name` field, else found through declarator / definition /
 * declaration fields or a first spec child. The path found is remembered per kind, so each later
 * definition of that kind costs one native call per step instead of a search.
 */
function nameOf(node: SgNode, kind: string): SgNode | undefined {
  const known = namePaths.get(kind);
  let target: SgNode | null | undefined;
  if (known) {
    target = node;
    for (const f of known) {
      target = f === "" ? target.namedChildren()[0] : (target.field(f as never) as SgNode | null);
      if (!target) break;
    }
    // A path that ends in a declarator must end in a name (`int *f()` nests one level deeper).
    if (target && known[known.length - 1] !== "name" && !NAME_KIND.test(String(target.kind()))) target = undefined;
  }
  if (!target) {
    const path: string[] = [];
    target = searchName(node, path, 0);
    if (!target) return undefined;
    namePaths.set(kind, path);
  }
  return target;
}

/** A name node's text and its range in the file text. */
function nameRange(node: SgNode, text: string, offset: number): { text: string; start: number; end: number } {
  const r = span(node);
  const start = r.startPos + offset;
  const end = r.endPos + offset;
  return { text: text.slice(start, end), start, end };
}

function searchName(node: SgNode, path: string[], depth: number): SgNode | undefined {
  const direct = node.field("name" as never) as SgNode | null;
  if (direct) {
    path.push("name");
    return direct;
  }
  if (depth > 0 && NAME_KIND.test(String(node.kind()))) return node;
  if (depth >= 4) return undefined;
  for (const f of NAME_PATHS) {
    const next = node.field(f as never) as SgNode | null;
    if (next) {
      path.push(f);
      return searchName(next, path, depth + 1);
    }
  }
  const first = node.namedChildren()[0];
  if (first && SPEC_KIND.test(String(first.kind()))) {
    path.push("");
    return searchName(first, path, depth + 1);
  }
  return undefined;
}

/**
 * Keeps comments with code: a comment that starts on the line where the previous unit ends joins
 * that unit (`x = 1  # why`); leading comments, decorators and attributes with no blank line
 * before the next unit join it, as long as the result still fits.
 */
function glue(units: Unit[], text: string, fits: Fits): void {
  // Units glued away are marked and dropped in one pass at the end: splicing each out cost
  // O(units) per comment (lib.dom.d.ts: 4,234 splices of a 19,000-unit array).
  const dropped = new Uint8Array(units.length);
  for (let i = units.length - 1; i > 0; i--) {
    const u = units[i]!;
    const prev = units[i - 1]!;
    if (
      u.kind.includes("comment") &&
      !hasNewline(text, prev.end, u.start, 1) &&
      fits(extStart(text, prev.start), extEnd(text, u.end))
    ) {
      prev.end = u.end;
      dropped[i] = 1;
    }
  }
  let next = lastKept(dropped, units.length);
  for (let i = next - 1; i >= 0; i--) {
    if (dropped[i]) continue;
    const u = units[i]!;
    const after = units[next]!;
    if (
      LEADING.test(u.kind) &&
      !hasNewline(text, u.end, after.start, 2) && // a blank line separates them
      fits(extStart(text, u.start), extEnd(text, after.end))
    ) {
      after.start = u.start;
      dropped[i] = 1;
    } else next = i;
  }
  let kept = 0;
  for (let i = 0; i < units.length; i++) if (!dropped[i]) units[kept++] = units[i]!;
  units.length = kept;
}

/** The last index not dropped (-1 when every one is). */
function lastKept(dropped: Uint8Array, n: number): number {
  let i = n - 1;
  while (i >= 0 && dropped[i]) i--;
  return i;
}

/** True when text[s, e) holds at least `count` newlines. */
function hasNewline(text: string, s: number, e: number, count: number): boolean {
  let p = s - 1;
  for (let seen = 0; seen < count; seen++) {
    p = text.indexOf("\n", p + 1);
    if (p === -1 || p >= e) return false;
  }
  return true;
}

/** Nodes at least this long are checked for density before being opened. */
const DENSE_MIN = 1 << 16;
/** Average line length above which a big node is minified code or data. */
const DENSE_LINE = 512;

/**
 * True for a big node on few, very long lines (minified code, data literals): opening it would
 * cost a native call per element, so it is cut by lines and characters instead.
 */
function dense(text: string, s: number, e: number): boolean {
  if (e - s < DENSE_MIN) return false;
  const needed = Math.floor((e - s) / DENSE_LINE);
  let lines = 0;
  for (let p = text.indexOf("\n", s); p !== -1 && p < e; p = text.indexOf("\n", p + 1))
    if (++lines >= needed) return false;
  return true;
}
