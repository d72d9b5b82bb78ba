/**
 * A unit is the smallest piece the packer moves: a syntax node taken whole, a piece of a node
 * too big to take whole, a block of lines, or a line. Units of a file tile it exactly (after
 * `tile`), in order. Positions are UTF-16 indices into the decoded text.
 */
/** A size test over UTF-16 ranges of the file text: true when text[s, e) fits the budget. */
export type Fits = (s: number, e: number) => boolean;

export type Unit = {
  start: number;
  end: number;
  /** Syntax node kind (semantic), block kind (delimiter), or "" (text). */
  kind: string;
  /** Name of the definition this unit holds whole, if any. */
  symbol?: string;
  /** Enclosing definitions, outermost first. */
  scope: readonly string[];
  /** True when the unit is a piece of a larger node or block. */
  partial: boolean;
  /** True when delimiter rules cut this unit inside a syntax ERROR region of a parsed tree. */
  recovered?: boolean;
};

/** True when p is at the start of a line. */
export function atLineStart(text: string, p: number): boolean {
  return p === 0 || text.charCodeAt(p - 1) === 10;
}

/**
 * Makes sorted, non-overlapping node-ranged units tile the whole text: the whitespace between two
 * units goes to the earlier one up to and including its last newline and the rest (indentation)
 * to the later one, so boundaries fall at line starts whenever the layout allows. Text before the
 * first and after the last unit joins them.
 */
export function tile(units: Unit[], text: string): Unit[] {
  const n = text.length;
  if (units.length === 0) return n > 0 ? [{ start: 0, end: n, kind: "", scope: [], partial: false }] : [];
  units[0]!.start = 0;
  for (let i = 1; i < units.length; i++) {
    const a = units[i - 1]!;
    const b = units[i]!;
    if (b.start > a.end) {
      const nl = text.lastIndexOf("\n", b.start - 1);
      const cut = nl >= a.end ? nl + 1 : b.start;
      a.end = cut;
      b.start = cut;
    } else {
      a.end = b.start;
    }
  }
  units[units.length - 1]!.end = n;
  return units.filter((u) => u.end > u.start);
}
