// Positions in UTF-16 text that never split a surrogate pair, shared by every tokenizer.

/** True when position p of `text` sits between the two halves of a surrogate pair. */
export function insidePair(text: string, p: number): boolean {
  const c = text.charCodeAt(p - 1);
  return c >= 0xd800 && c <= 0xdbff && p < text.length;
}

/**
 * Binary search for the largest m in (lo, hi] (never inside a surrogate pair) with
 * fits(m); returns lo when none fits. `fits` need not be monotone: the answer is always checked.
 */
export function searchFit(text: string, lo: number, hi: number, fits: (m: number) => boolean): number {
  let good = lo;
  let a = lo + 1;
  let b = hi;
  while (a <= b) {
    let mid = (a + b) >>> 1;
    if (insidePair(text, mid)) mid = mid + 1 <= b ? mid + 1 : mid - 1;
    if (mid < a || mid > b) break;
    if (fits(mid)) {
      good = mid;
      a = mid + 1;
    } else b = mid - 1;
  }
  return good;
}

/** End of the code point that starts at s. */
export function nextCodePoint(text: string, s: number): number {
  return insidePair(text, s + 1) ? s + 2 : s + 1;
}
