import type { TextIndex } from "../tokenize/tokenizer.ts";
import { type Unit, atLineStart } from "./unit.ts";

/** One planned chunk: a range of the text and the units [first, last] it holds. */
export type Plan = { start: number; end: number; first: number; last: number };

/** Tokens by which an estimate may fall short of the exact count and still reject safely. */
const ESTIMATE_SLACK = 8;

/**
 * A size test: yes when the UTF-16 length alone proves the fit (every tokenizer counts at most
 * one per UTF-8 byte of the text, and a UTF-16 unit is at most `unitBytes` bytes: 1 in ASCII text,
 * else 3; a U+FFFD standing for one invalid byte of the file is 3 bytes of text, not 1),
 * no when the file-wide estimate is clearly over, and only otherwise an exact count; so big nodes
 * are never tokenized again.
 */
export function fitter(index: TextIndex, budget: number, unitBytes = 3): (s: number, e: number) => boolean {
  return (s, e) =>
    (e - s) * unitBytes <= budget || (index.estimate(s, e) <= budget + ESTIMATE_SLACK && index.count(s, e) <= budget);
}

/**
 * Cuts every unit too big for the budget into lines, and lines still too big at the largest
 * fitting tokenizer boundary (never inside a surrogate pair). The result tiles the same text.
 */
export function splitOversize(
  units: readonly Unit[],
  text: string,
  index: TextIndex,
  budget: number,
  unitBytes = 3,
): Unit[] {
  const fits = fitter(index, budget, unitBytes);
  const out: Unit[] = [];
  for (const u of units) {
    if (fits(u.start, u.end)) {
      out.push(u);
      continue;
    }
    const piece = (start: number, end: number): Unit => ({ start, end, kind: u.kind, scope: u.scope, partial: true });
    let s = u.start;
    // Units earlier on the same line join the cut (`x = ` before a huge string), so the first
    // piece is not left as a tiny chunk of its own.
    while (out.length > 0 && !atLineStart(text, s)) s = out.pop()!.start;
    while (s < u.end) {
      const nl = text.indexOf("\n", s);
      const lineEnd = nl === -1 || nl + 1 > u.end ? u.end : nl + 1;
      if (fits(s, lineEnd)) {
        out.push(piece(s, lineEnd));
        s = lineEnd;
        continue;
      }
      // A line longer than the budget: cut it; fitEnd always advances by at least one code point.
      for (let p = s; p < lineEnd;) {
        const m = index.fitEnd(p, lineEnd, budget);
        out.push(piece(p, m));
        p = m;
      }
      s = lineEnd;
    }
  }
  return out;
}

/**
 * Split-then-merge, the merge half: greedy packing of adjacent units up to the budget (the fewest
 * chunks for this unit order). When the unit that overflows starts mid-line, the cut moves back
 * to the last unit boundary at a line start, if the chunk has one. Every unit must fit alone.
 */
export function pack(units: readonly Unit[], text: string, index: TextIndex, budget: number, unitBytes = 3): Plan[] {
  const fits = fitter(index, budget, unitBytes);
  // Extending by estimate and then backing off with exact counts keeps packing linear even when
  // unit ends are not tokenizer boundaries (where each exact count re-tokenizes the chunk).
  const roughlyFits = (s: number, e: number) => (e - s) * unitBytes <= budget || index.estimate(s, e) <= budget;
  const plans: Plan[] = [];
  let i = 0;
  while (i < units.length) {
    const start = units[i]!.start;
    let j = i;
    while (j + 1 < units.length && roughlyFits(start, units[j + 1]!.end)) j++;
    while (j > i && !fits(start, units[j]!.end)) j--;
    while (j + 1 < units.length && fits(start, units[j + 1]!.end)) j++;
    const next = units[j + 1];
    if (next && next.scope.length > 0) {
      // Keep the head of a split definition (`class Parser:`) with its body: when the chunk ends
      // with units of the scope the next unit lives in, cut before them instead.
      let k = j;
      while (k > i && startsWith(units[k]!.scope, next.scope)) k--;
      if (k < j && !startsWith(units[k]!.scope, next.scope) && atLineStart(text, units[k + 1]!.start)) j = k;
    }
    if (j + 1 < units.length && !atLineStart(text, units[j + 1]!.start)) {
      for (let k = j; k > i; k--) {
        if (atLineStart(text, units[k]!.start)) {
          j = k - 1;
          break;
        }
      }
    }
    plans.push({ start, end: units[j]!.end, first: i, last: j });
    i = j + 1;
  }
  return plans;
}

function startsWith(scope: readonly string[], prefix: readonly string[]): boolean {
  if (scope === prefix) return true;
  if (scope.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (scope[i] !== prefix[i]) return false;
  return true;
}
