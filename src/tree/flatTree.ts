// A syntax tree as weft's native reader writes it (src/tree/reader.c): plain numbers in one typed
// array, so reading a node is an array access, not a call into native code, and nothing native
// outlives the parse.

/** The names a grammar gives its node symbols and fields, read once per language. */
export type GrammarNames = {
  /** By symbol id; index 0xFFFF is "ERROR". */
  readonly symbols: readonly string[];
  /** By field id; 0 is "" (no field). */
  readonly fields: readonly string[];
};

/**
 * A parsed tree: `count` records of 4 u32 in `nodes`, in pre-order, the root at 0.
 * - w0: symbol (bits 0-15, 0xFFFF = ERROR) | flags (bits 16-23, see FLAG) | field id (bits 24-31);
 * - w1, w2: start and end offsets in UTF-16 code units of the parsed text;
 * - w3: the index just past the node's subtree (its next sibling, or an ancestor's).
 * `nodes` may be a buffer the reader reuses for its next parse: read it before parsing again.
 */
export type FlatTree = { nodes: Uint32Array; count: number; names: GrammarNames };

/** Flag bits of a record's w0, shifted down by 16. */
export const FLAG = { named: 0x01, error: 0x02, hasError: 0x04, missing: 0x08, extra: 0x10, cut: 0x20 } as const;

/** The symbol id of the ERROR node. */
export const ERROR_SYMBOL = 0xffff;

/** The flags of node i (FLAG bits). */
export function flagsOf(t: FlatTree, i: number): number {
  return (t.nodes[i * 4]! >>> 16) & 0xff;
}

/** The node kind of node i, as the grammar names it ("ERROR" for an error node). */
export function kindOf(t: FlatTree, i: number): string {
  return t.names.symbols[t.nodes[i * 4]! & 0xffff] ?? "";
}

/** The field id through which node i hangs from its parent (0 = none). */
export function fieldOf(t: FlatTree, i: number): number {
  return t.nodes[i * 4]! >>> 24;
}

/** Start offset of node i. */
export function startOf(t: FlatTree, i: number): number {
  return t.nodes[i * 4 + 1]!;
}

/** End offset of node i (exclusive). */
export function endOf(t: FlatTree, i: number): number {
  return t.nodes[i * 4 + 2]!;
}

/** The index just past node i's subtree: its next sibling when it has one. */
export function nextOf(t: FlatTree, i: number): number {
  return t.nodes[i * 4 + 3]!;
}

/** The indices of node i's children, in order. */
export function childrenOf(t: FlatTree, i: number): number[] {
  const out: number[] = [];
  const end = nextOf(t, i);
  for (let c = i + 1; c < end; c = nextOf(t, c)) out.push(c);
  return out;
}

/** The id of field `name` in this grammar (0 when it has none). */
export function fieldId(names: GrammarNames, name: string): number {
  const id = names.fields.indexOf(name);
  return id < 0 ? 0 : id;
}

/** The first child of node i hanging through field id `field`, or -1. */
export function childByField(t: FlatTree, i: number, field: number): number {
  if (field === 0) return -1;
  const end = nextOf(t, i);
  for (let c = i + 1; c < end; c = nextOf(t, c)) if (fieldOf(t, c) === field) return c;
  return -1;
}

/** The first named child of node i, or -1. */
export function firstNamedChild(t: FlatTree, i: number): number {
  const end = nextOf(t, i);
  for (let c = i + 1; c < end; c = nextOf(t, c)) if (flagsOf(t, c) & FLAG.named) return c;
  return -1;
}

/**
 * Disjoint, sorted [start, end) ranges covered by ERROR nodes, shifted by `offset`. Only subtrees
 * flagged has_error are entered, so a clean tree costs one read.
 */
export function errorRanges(t: FlatTree, offset: number): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < t.count) {
    const f = flagsOf(t, i);
    if (f & FLAG.error) {
      // An ERROR node covers its whole subtree; nested ones add nothing.
      const s = startOf(t, i) + offset;
      const e = endOf(t, i) + offset;
      const last = out[out.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else out.push([s, e]);
      i = nextOf(t, i);
    } else if (f & FLAG.hasError) i++;
    else i = nextOf(t, i);
  }
  return out;
}
