// What one forced collection costs, by the API that forces it, on the same heap: Bun.gc(true) (what
// execute/memory.ts uses) against fullGC from bun:jsc, each after making the same garbage, and how
// fast a hot function runs right after (whether compiled code survived). Medians of 15.
//   bun tests/bench/gcCost.ts
import { fullGC } from "bun:jsc";

function work(n: number): number {
  let h = 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h ^ i, 16777619) + (i % 7)) | 0;
  return h;
}
const garbage = () => Array.from({ length: 2e5 }, (_, i) => ({ i, s: `x${i}` })).length;
for (let i = 0; i < 20000; i++) work(200); // tiered up before measuring
const kinds: Record<string, () => void> = {
  "Bun.gc(true)": () => void Bun.gc(true),
  "bun:jsc fullGC": () => void fullGC(),
  none: () => {},
};
const collect: Record<string, number[]> = {};
const after: Record<string, number[]> = {};
for (let rep = 0; rep < 15; rep++)
  for (const [kind, force] of Object.entries(kinds)) {
    garbage();
    const g = performance.now();
    force();
    (collect[kind] ??= []).push(performance.now() - g);
    const t = performance.now();
    for (let i = 0; i < 2000; i++) work(200);
    (after[kind] ??= []).push(performance.now() - t);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const kind of Object.keys(kinds))
  console.log(
    `${kind.padEnd(16)} collection ${median(collect[kind]!).toFixed(1).padStart(6)} ms   hot loop after it ${median(after[kind]!).toFixed(2)} ms`,
  );
