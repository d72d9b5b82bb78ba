import { afterEach, expect, spyOn, test } from "bun:test";
import { collectBetweenPhases, mainThreadCollector, MEMORY, yieldEvery } from "../../src/execute/memory.ts";

const KB = 1024;
let gc: ReturnType<typeof spyOn> | undefined;
afterEach(() => gc?.mockRestore());

/** Feeds file sizes to a fresh cadence and returns before which files (by position) it collected. */
async function collectedBefore(sizes: number[]): Promise<number[]> {
  gc = spyOn(Bun, "gc");
  const turn = yieldEvery(1024 * KB, 256 * KB);
  const at: number[] = [];
  for (const [i, size] of sizes.entries()) {
    const before = gc.mock.calls.length;
    await turn(size);
    if (gc.mock.calls.length > before) at.push(i);
  }
  gc.mockRestore();
  return at;
}

test("small files are collected once every gcBytes of input", async () => {
  expect(await collectedBefore(Array(13).fill(200 * KB))).toEqual([6, 12]);
});

test("a big file starts on a collected heap, and the next file starts after a collection", async () => {
  expect(await collectedBefore([10 * KB, 300 * KB, 10 * KB, 10 * KB])).toEqual([1, 2]);
});

test("a big file first in line, or right after a collection, needs no extra one", async () => {
  expect(await collectedBefore([300 * KB, 300 * KB, 10 * KB])).toEqual([1, 2]);
  expect(await collectedBefore([2048 * KB, 300 * KB])).toEqual([1]);
});

test("the main thread collects once every everyBytes of input emitted", () => {
  gc = spyOn(Bun, "gc");
  const collect = mainThreadCollector(1024 * KB);
  const at: number[] = [];
  for (const [i, size] of [600, 300, 200, 900, 100, 2048].entries()) {
    const before = gc.mock.calls.length;
    collect(size * KB);
    if (gc.mock.calls.length > before) at.push(i);
  }
  expect(at).toEqual([2, 5]);
});

test("between phases, only a text of MEMORY.betweenPhasesChars or more is collected", () => {
  gc = spyOn(Bun, "gc");
  collectBetweenPhases(MEMORY.betweenPhasesChars - 1);
  expect(gc.mock.calls.length).toBe(0);
  collectBetweenPhases(MEMORY.betweenPhasesChars);
  expect(gc.mock.calls.length).toBe(1);
});
