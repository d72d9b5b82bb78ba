import { commentPrefixes } from "../languages/comments.ts";
import type { LanguageSpec } from "../languages/spec.ts";
import {
  childByField,
  endOf,
  fieldId,
  firstNamedChild,
  FLAG,
  flagsOf,
  type FlatTree,
  type GrammarNames,
  kindOf,
  nextOf,
  startOf,
} from "../tree/flatTree.ts";
import { delimiterUnits } from "./delimiter.ts";
import { type Fits, type Unit, tile } from "./unit.ts";

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

/**
 * Children of an ERROR node that the tree still holds: statements, declarations and definitions
 * (and comments) that span whole lines. Everything else inside an ERROR node (tokens, expression
 * fragments, nested ERROR nodes) is cut by delimiter rules.
 */
const HELD_KIND = /statement|declaration|definition|comment|^(?:class|function|method|module|namespace|import|export)/;

/**
 * Split-then-merge, the split half: the units of a syntax tree. A node that fits the budget
 * (with the whitespace that will surround it) is one unit; only nodes too big are opened.
 * Leading comments, decorators and attributes are glued to the node after them. `offset` maps
 * tree offsets to text indices (1 when a BOM was stripped before parsing).
 */
export function semanticUnits(
  tree: FlatTree,
  text: string,
  offset: number,
  lang: LanguageSpec,
  fits: Fits,
): { units: Unit[]; regions: [number, number][] } {
  const defs = new Set(lang.definitions);
  const comments = commentPrefixes(lang);
  /** The stretches of ERROR nodes cut by delimiter rules, in text order. */
  const regions: [number, number][] = [];
  const defSymbols = symbolsNamed(tree, defs);
  const units: Unit[] = [];
  const names = nameFinder(tree);
  /** True when a node too big to take whole is cut by lines instead of opened. */
  const cutByLines = (node: number, kind: string, s: number, e: number): boolean =>
    OPAQUE.test(kind) || dense(text, s, e) || (DATA.test(kind) && !holdsSymbol(tree, node, defSymbols));

  const open = (node: number, scope: readonly string[], partial: boolean, ownName: string | undefined): void => {
    const last = nextOf(tree, node);
    for (let child = node + 1; child < last; child = nextOf(tree, child)) take(child, scope, partial, ownName);
  };

  /** Units for one node: itself when it fits, else its pieces (an ERROR node's by recover). */
  const take = (child: number, scope: readonly string[], partial: boolean, ownName: string | undefined): void => {
    const s = startOf(tree, child) + offset;
    const e = endOf(tree, child) + offset;
    if (e <= s) return; // zero-width (MISSING) nodes hold no text
    const rawKind = kindOf(tree, child);
    // Anonymous nodes (keywords, punctuation) are named by their own text: no kind to report.
    const kind = e - s === rawKind.length && text.startsWith(rawKind, s) ? "" : rawKind;
    const isDef = defs.has(kind);
    if (fits(extStart(text, s), extEnd(text, e))) {
      const unit: Unit = { start: s, end: e, kind, scope, partial };
      if (isDef) {
        const name = names(child, kind);
        if (name >= 0) unit.symbol = text.slice(startOf(tree, name) + offset, endOf(tree, name) + offset);
      }
      units.push(unit);
      return;
    }
    if (nextOf(tree, child) === child + 1 || cutByLines(child, kind, s, e)) {
      // A leaf too big (a huge string or comment): the packer cuts it by lines, then characters.
      units.push({ start: s, end: e, kind, scope, partial: true });
      return;
    }
    if (flagsOf(tree, child) & FLAG.error) {
      recover(child, scope, true);
      return;
    }
    let inner = scope;
    let innerName = ownName;
    if (isDef) {
      const name = names(child, kind);
      if (name >= 0) {
        const start = startOf(tree, name) + offset;
        const end = endOf(tree, name) + offset;
        const nameText = text.slice(start, end);
        // A wrapper (export, decorators) and the definition it wraps give one scope entry.
        if (nameText !== ownName) {
          const head = text.slice(Math.max(s, text.lastIndexOf("\n", start) + 1), end);
          inner = [...scope, head.replace(/\s+/g, " ").trim().slice(0, 120)];
          innerName = nameText;
        }
      }
    }
    open(child, inner, true, innerName);
  };

  /**
   * An ERROR node too big to take whole: the children the tree still holds (heldChild) are taken
   * as usual; each stretch between them is cut by the language's delimiter rules, its units marked
   * `recovered`. A stretch is whole lines (held children span whole lines), except where the ERROR
   * node itself starts or ends mid-line.
   */
  const recover = (node: number, scope: readonly string[], partial: boolean): void => {
    const s0 = startOf(tree, node) + offset;
    const e0 = endOf(tree, node) + offset;
    let gap = s0;
    const flush = (to: number): void => {
      // Blank lines at either end are left to tile, as between any two units.
      let a = gap;
      while (a < to && isSpace(text.charCodeAt(a))) a++;
      if (a === to) return;
      let b = to;
      while (isSpace(text.charCodeAt(b - 1))) b--;
      // From its first line's start (indentation included) to its last character, like a node.
      a = Math.max(gap, text.lastIndexOf("\n", a - 1) + 1);
      for (const u of delimiterUnits(text, lang.delimiter, comments, fits, a, b))
        units.push({ ...u, scope: [...scope, ...u.scope], partial: partial || u.partial, recovered: true });
      regions.push([a, b]);
    };
    const last = nextOf(tree, node);
    for (let child = node + 1; child < last; child = nextOf(tree, child)) {
      if (!heldChild(child)) continue;
      const s = startOf(tree, child) + offset;
      const e = endOf(tree, child) + offset;
      // The stretch before a held child ends at its line start; the one after begins at the next line.
      const from = Math.max(gap, extStart(text, s));
      flush(from);
      if (from > gap) gap = from;
      take(child, scope, true, undefined);
      gap = Math.min(e0, Math.max(gap, lineEndAfter(text, e)));
    }
    flush(e0);
  };

  /** True when child c of an ERROR node is a statement, declaration or comment spanning whole lines. */
  const heldChild = (c: number): boolean => {
    const f = flagsOf(tree, c);
    if (f & FLAG.error || !(f & FLAG.named)) return false;
    const s = startOf(tree, c) + offset;
    const e = endOf(tree, c) + offset;
    if (e <= s || !HELD_KIND.test(kindOf(tree, c))) return false;
    return extStart(text, s) !== s || s === 0 || text.charCodeAt(s - 1) === 10 ? atLineEnd(text, e) : false;
  };

  // The root is always opened so even a small file reports its top-level kinds and symbols; the
  // packer puts the pieces back together. A root that is an ERROR node is recovered.
  if (flagsOf(tree, 0) & FLAG.error && endOf(tree, 0) > startOf(tree, 0)) recover(0, [], false);
  else open(0, [], false, undefined);
  glue(units, text, fits);
  return { units: tile(units, text), regions };
}

/** True when only spaces, tabs, `;` or `,` stand between e and the end of its line (or the text). */
function atLineEnd(text: string, e: number): boolean {
  for (let p = e; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) return true;
    if (c !== 32 && c !== 9 && c !== 59 && c !== 44) return false;
  }
  return true;
}

/** True for a space, tab, CR or LF code. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The start of the line after position e (the text's end when e is on the last line). */
function lineEndAfter(text: string, e: number): number {
  const nl = text.indexOf("\n", e);
  return nl === -1 ? text.length : nl + 1;
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

/** symbolsNamed's answers, per grammar (a grammar's names are loaded once per thread). */
const symbolSets = new WeakMap<GrammarNames, Uint8Array>();

/**
 * The symbol ids whose names are in `kinds` (several ids can share a name), computed once per
 * grammar: scanning the 65,536 symbol slots cost 17% of a Python run's CPU when done per file.
 * `kinds` must be the same for a grammar (its language's definition kinds).
 */
function symbolsNamed(tree: FlatTree, kinds: ReadonlySet<string>): Uint8Array {
  let ids = symbolSets.get(tree.names);
  if (ids) return ids;
  ids = new Uint8Array(0x10000);
  const symbols = tree.names.symbols;
  for (let id = 0; id < symbols.length; id++) if (kinds.has(symbols[id]!)) ids[id] = 1;
  symbolSets.set(tree.names, ids);
  return ids;
}

/** True when a descendant of `node` has one of the symbol ids marked in `ids`. */
function holdsSymbol(tree: FlatTree, node: number, ids: Uint8Array): boolean {
  const end = nextOf(tree, node);
  const nodes = tree.nodes;
  for (let i = node + 1; i < end; i++) if (ids[nodes[i * 4]! & 0xffff]) return true;
  return false;
}

/**
 * The name finder of a tree: the name node of a definition (its `name` field, else found through
 * declarator / definition / declaration fields or a first spec child), or -1. The path found is
 * remembered per kind, so each later definition of that kind follows it instead of searching.
 */
function nameFinder(tree: FlatTree): (node: number, kind: string) => number {
  const nameField = fieldId(tree.names, "name");
  const pathFields = NAME_PATHS.map((f) => fieldId(tree.names, f));
  /** Per definition kind, the field path (field ids, 0 = first named child) that led to its name last time. */
  const namePaths = new Map<string, readonly number[]>();

  const search = (node: number, path: number[], depth: number): number => {
    const direct = childByField(tree, node, nameField);
    if (direct >= 0) {
      path.push(nameField);
      return direct;
    }
    if (depth > 0 && NAME_KIND.test(kindOf(tree, node))) return node;
    if (depth >= 4) return -1;
    for (const f of pathFields) {
      const next = childByField(tree, node, f);
      if (next >= 0) {
        path.push(f);
        return search(next, path, depth + 1);
      }
    }
    const first = firstNamedChild(tree, node);
    if (first >= 0 && SPEC_KIND.test(kindOf(tree, first))) {
      path.push(0);
      return search(first, path, depth + 1);
    }
    return -1;
  };

  return (node, kind) => {
    const known = namePaths.get(kind);
    let target = -1;
    if (known) {
      target = node;
      for (const f of known) {
        target = f === 0 ? firstNamedChild(tree, target) : childByField(tree, target, f);
        if (target < 0) break;
      }
      // A path that ends in a declarator must end in a name (`int *f()` nests one level deeper).
      if (target >= 0 && known[known.length - 1] !== nameField && !NAME_KIND.test(kindOf(tree, target))) target = -1;
    }
    if (target < 0) {
      const path: number[] = [];
      target = search(node, path, 0);
      if (target < 0) return -1;
      namePaths.set(kind, path);
    }
    return target;
  };
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
