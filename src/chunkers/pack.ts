import type { TextIndex } from "../tokenize/contract.ts";
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
    let s = u.start;
    let recovered = u.recovered === true;
    // Units earlier on the same line join the cut (`x = ` before a huge string), so the first
    // piece is not left as a tiny chunk of its own.
    while (out.length > 0 && !atLineStart(text, s)) {
      const joined = out.pop()!;
      s = joined.start;
      if (joined.recovered) recovered = true;
    }
    const piece = (start: number, end: number): Unit =>
      recovered
        ? { start, end, kind: u.kind, scope: u.scope, partial: true, recovered: true }
        : { start, end, kind: u.kind, scope: u.scope, partial: true };
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

/**
 * Split-then-merge, the merge half, anchored so that an edit changes few chunks: the same number
 * of chunks as the fewest possible (plain greedy packing's count), but each cut is chosen by the
 * text around it, not by where the previous chunk happened to end. With m chunks, the k-th cut
 * must lie between where packing backwards from the end puts it (so the rest still fits in m - k
 * chunks) and how far the chunk before it can reach; inside that window the cut goes where the
 * text is weakest-bound: at a line start, between the shallowest scopes (so a split definition's
 * head stays with its body), after a blank line, then by a hash of the next line. The intent: an
 * edit moves the windows only near itself and the same anchors win again beyond them. Measured on
 * real version pairs (tests/bench/stability.ts) it changed more chunks than greedy packing: an
 * edit that changes the file's chunk count moves every window, before the edit too. It does make
 * fewer chunks, hence it stays for comparison (governor `packing`). Every unit must fit alone.
 * (Its forward reach repeats pack's loops so that pack itself stays as it was.)
 */
export function packAnchored(
  units: readonly Unit[],
  text: string,
  index: TextIndex,
  budget: number,
  unitBytes = 3,
): Plan[] {
  const n = units.length;
  if (n === 0) return [];
  const fits = fitter(index, budget, unitBytes);
  const roughlyFits = (s: number, e: number) => (e - s) * unitBytes <= budget || index.estimate(s, e) <= budget;
  /** The last unit a chunk starting at unit i can hold. */
  const reach = (i: number): number => {
    const start = units[i]!.start;
    let j = i;
    while (j + 1 < n && roughlyFits(start, units[j + 1]!.end)) j++;
    while (j > i && !fits(start, units[j]!.end)) j--;
    while (j + 1 < n && fits(start, units[j + 1]!.end)) j++;
    return j;
  };
  /** The first unit a chunk ending with unit j can hold. */
  const reachBack = (j: number): number => {
    const end = units[j]!.end;
    let i = j;
    while (i > 0 && roughlyFits(units[i - 1]!.start, end)) i--;
    while (i < j && !fits(units[i]!.start, end)) i++;
    while (i > 0 && fits(units[i - 1]!.start, end)) i--;
    return i;
  };
  // The latest start of each chunk of a packing with the fewest chunks, from the end backwards.
  const latest: number[] = [];
  for (let j = n - 1; j >= 0; j = latest[latest.length - 1]! - 1) latest.push(reachBack(j));
  latest.reverse();
  const plans: Plan[] = [];
  let first = 0;
  for (let k = 1; k < latest.length; k++) {
    const far = reach(first) + 1;
    // Token counts are not strictly monotone in the range: if the windows do not meet, cut greedily.
    const lo = Math.max(first + 1, Math.min(latest[k]!, far));
    let cut = far;
    let best: number[] | undefined;
    for (let c = lo; c <= far && c < n; c++) {
      const score = cutScore(units, text, c);
      if (!best || better(score, best)) [best, cut] = [score, c];
    }
    if (cut >= n) break;
    plans.push({ start: units[first]!.start, end: units[cut - 1]!.end, first, last: cut - 1 });
    first = cut;
  }
  // The rest: one chunk when it fits (it does whenever the windows met), else greedy.
  while (first < n) {
    const last = reach(first);
    plans.push({ start: units[first]!.start, end: units[last]!.end, first, last });
    first = last + 1;
  }
  return plans;
}

/**
 * How good a cut before unit c is, compared element by element (higher wins): at a line start,
 * minus the depth of the shallower scope on either side, after a blank line, then a hash of the
 * text that follows (a tie-break that depends on the text alone, not on where the window falls).
 */
function cutScore(units: readonly Unit[], text: string, c: number): number[] {
  const u = units[c]!;
  const lineStart = atLineStart(text, u.start) ? 1 : 0;
  const depth = Math.min(units[c - 1]!.scope.length, u.scope.length);
  let p = u.start - 1; // at the newline that ends the line before, when lineStart
  while (p > 0 && " \t\r".includes(text[p - 1]!)) p--;
  const blank = lineStart && p > 0 && text.charCodeAt(p - 1) === 10 ? 1 : 0;
  return [lineStart, -depth, blank, fnv1a(text, u.start, Math.min(u.end, u.start + 64))];
}

function better(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/** 32-bit FNV-1a of text[s, e)'s UTF-16 units. */
function fnv1a(text: string, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function startsWith(scope: readonly string[], prefix: readonly string[]): boolean {
  if (scope === prefix) return true;
  if (scope.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (scope[i] !== prefix[i]) return false;
  return true;
}
