import type { SgNode } from "@ast-grep/napi";
import type { LanguageSpec } from "../languages/spec.ts";
import { type Unit, tile } from "./unit.ts";

/** Node kinds that belong to the definition after them (doc comments, decorators, attributes). */
const LEADING = /comment|decorator|attribute|annotation|pragma/;
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

  const extStart = (s: number) => {
    let p = s;
    while (p > 0) {
      const c = text.charCodeAt(p - 1);
      if (c === 32 || c === 9) p--;
      else return c === 10 ? p : s;
    }
    return 0;
  };
  const extEnd = (e: number) => {
    let p = e;
    let last = e;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c === 10) last = ++p;
      else if (c === 32 || c === 9 || c === 13) p++;
      else break;
    }
    return p === text.length ? p : last;
  };

  const open = (node: SgNode, scope: readonly string[], partial: boolean, ownName: string | undefined): void => {
    const children = node.children();
    for (const child of children) {
      const r = child.range();
      const s = r.start.index + offset;
      const e = r.end.index + offset;
      if (e <= s) continue; // zero-width (MISSING) nodes hold no text
      const kind = String(child.kind());
      const isDef = defs.has(kind);
      if (fits(extStart(s), extEnd(e))) {
        const unit: Unit = { start: s, end: e, kind, scope, partial };
        if (isDef) {
          const name = nameOf(child, text, offset);
          if (name) unit.symbol = name.text;
        }
        units.push(unit);
        continue;
      }
      if (child.children().length === 0) {
        // A leaf too big (a huge string or comment): the packer cuts it by lines, then characters.
        units.push({ start: s, end: e, kind, scope, partial: true });
        continue;
      }
      let inner = scope;
      let innerName = ownName;
      if (isDef) {
        const name = nameOf(child, text, offset);
        // A wrapper (export, decorators) and the definition it wraps give one scope entry.
        if (name && name.text !== ownName) {
          const head = text.slice(Math.max(s, text.lastIndexOf("\n", name.start) + 1), name.end);
          inner = [...scope, head.replace(/\s+/g, " ").trim().slice(0, 120)];
          innerName = name.text;
        }
      }
      open(child, inner, true, innerName);
    }
  };

  const r = root.range();
  const rs = r.start.index + offset;
  const re = r.end.index + offset;
  if (fits(0, text.length) || re <= rs) {
    units.push({ start: 0, end: text.length, kind: String(root.kind()), scope: [], partial: false });
  } else {
    open(root, [], false, undefined);
  }
  glue(units, text, fits);
  return tile(units, text);
}

/** The name node of a definition: its `name` field, else followed through declarators/specs. */
function nameOf(node: SgNode, text: string, offset: number, depth = 0): { text: string; start: number; end: number } | undefined {
  const direct = node.field("name" as never) as SgNode | null;
  let target: SgNode | null = direct;
  if (!target && depth < 4) {
    if (NAME_KIND.test(String(node.kind())) && depth > 0) target = node;
    else {
      for (const f of NAME_PATHS) {
        const next = node.field(f as never) as SgNode | null;
        if (next) return nameOf(next, text, offset, depth + 1);
      }
      const first = node.namedChildren()[0];
      if (first && SPEC_KIND.test(String(first.kind()))) return nameOf(first, text, offset, depth + 1);
    }
  }
  if (!target) return undefined;
  const r = target.range();
  const start = r.start.index + offset;
  const end = r.end.index + offset;
  return { text: text.slice(start, end), start, end };
}

/**
 * Keeps comments with code: a comment that starts on the line where the previous unit ends joins
 * that unit (`x = 1  # why`); leading comments, decorators and attributes with no blank line
 * before the next unit join it, as long as the result still fits.
 */
function glue(units: Unit[], text: string, fits: Fits): void {
  for (let i = units.length - 1; i > 0; i--) {
    const u = units[i]!;
    const prev = units[i - 1]!;
    if (u.kind.includes("comment") && !text.slice(prev.end, u.start).includes("\n") && fits(prev.start, u.end)) {
      prev.end = u.end;
      units.splice(i, 1);
    }
  }
  for (let i = units.length - 2; i >= 0; i--) {
    const u = units[i]!;
    const next = units[i + 1]!;
    if (!LEADING.test(u.kind)) continue;
    const gap = text.slice(u.end, next.start);
    if (gap.indexOf("\n") !== gap.lastIndexOf("\n")) continue; // a blank line separates them
    if (!fits(u.start, next.end)) continue;
    next.start = u.start;
    units.splice(i, 1);
  }
}
