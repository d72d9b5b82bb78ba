import { expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { detachedSlice, PieceMemo } from "../../src/tokenize/pieceMemo.ts";

/** A ~1 MB flat text, different each time (built by join, so not a rope of one shared part). */
function bigText(i: number): string {
  const parts: string[] = [];
  for (let j = 0; j < 20_000; j++) parts.push(`identifier_${i}_${j}_${"é".repeat(30)}\n`);
  return parts.join("");
}

test("detachedSlice equals slice, astral characters and an empty range included", () => {
  const text = "abc 🧵 日本語 naïve";
  for (const [s, e] of [
    [0, 3],
    [4, 6],
    [0, text.length],
    [5, 5],
  ] as const)
    expect(detachedSlice(text, s, e)).toBe(text.slice(s, e));
});

test("the memo's keys do not keep the texts they came from alive", () => {
  const memo = new PieceMemo((_text, s, e) => e - s);
  Bun.gc(true);
  const before = heapStats().extraMemorySize;
  // Pieces over 14 characters go to the string table, keyed by their characters; each text adds one.
  for (let i = 0; i < 50; i++) expect(memo.count(bigText(i), 0, 30)).toBe(30);
  Bun.gc(true);
  // 50 texts of ~2.5 MB each would be ~125 MB if the keys held them; the rest of the test process
  // moves the figure by tens of MB (27 MB seen in a full run), so the bound is half the leak.
  expect(heapStats().extraMemorySize - before).toBeLessThan(62e6);
});
