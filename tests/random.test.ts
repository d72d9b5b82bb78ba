import { expect, test } from "bun:test";
import { seededRandom } from "./random.ts";

/** mulberry32 as tests/discover/git.test.ts wrote it (signed state): an independent copy to compare with. */
function reference(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("seededRandom is mulberry32: the same numbers as an independent copy, for small, large and negative seeds", () => {
  for (const seed of [0, 1, 7, 42, 240, 2 ** 31 - 1, -5]) {
    const a = seededRandom(seed);
    const b = reference(seed);
    const got = Array.from({ length: 1000 }, a);
    expect({ seed, got }).toEqual({ seed, got: Array.from({ length: 1000 }, b) });
  }
});

test("a seed gives the same sequence every time, other seeds others, all in [0, 1) and spread evenly", () => {
  const draw = (seed: number) => Array.from({ length: 10_000 }, seededRandom(seed));
  expect(draw(3)).toEqual(draw(3));
  expect(draw(3)).not.toEqual(draw(4));
  const values = draw(9);
  expect(values.every((x) => x >= 0 && x < 1)).toBe(true);
  const tenths = Array.from({ length: 10 }, (_, d) => values.filter((x) => Math.floor(x * 10) === d).length);
  expect(tenths.every((n) => n > 850 && n < 1150)).toBe(true); // 1000 expected in each; > 10 sigma from the bounds
});
