// The packers on whole files: an edit inside one function changes only the chunks that hold it
// (and at most a neighbour), per grammar family; the anchored packer keeps the fewest chunks.
import { describe, expect, test } from "bun:test";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import type { Chunk } from "../../src/model/chunk.ts";
import type { Governor } from "../../src/model/governor.ts";
import { fileOf, gov, problems } from "./check.ts";

loadParsers(["python", "go"]);

/** Thirty functions of about 60 tokens each; `edit` adds a line inside function `edit`. */
const SOURCES: Record<string, { path: string; fn: (i: number, extra: string) => string }> = {
  python: {
    path: "m.py",
    fn: (i, extra) =>
      `def f${i}(items, limit):\n    """Sum the first items of f${i}."""\n    total = 0\n    for k, v in enumerate(items):\n        if k >= limit:\n            break\n        total += v * ${i}\n${extra ? `    total -= ${extra}\n` : ""}    return total\n\n\n`,
  },
  typescript: {
    path: "m.ts",
    fn: (i, extra) =>
      `export function f${i}(items: number[], limit: number): number {\n  // Sum the first items of f${i}.\n  let total = 0;\n  for (let k = 0; k < items.length && k < limit; k++) {\n    total += items[k]! * ${i};\n  }\n${extra ? `  total -= ${extra};\n` : ""}  return total;\n}\n\n`,
  },
  go: {
    path: "m.go",
    fn: (i, extra) =>
      `// F${i} sums the first items.\nfunc F${i}(items []int, limit int) int {\n\ttotal := 0\n\tfor k, v := range items {\n\t\tif k >= limit {\n\t\t\tbreak\n\t\t}\n\t\ttotal += v * ${i}\n\t}\n${extra ? `\ttotal -= ${extra}\n` : ""}\treturn total\n}\n\n`,
  },
};

function source(language: string, edit?: number): string {
  const { fn } = SOURCES[language]!;
  const head = language === "go" ? "package m\n\n" : "";
  return head + Array.from({ length: 30 }, (_, i) => fn(i, i === edit ? "limit * 2 + len_extra_term" : "")).join("");
}

function chunks(language: string, text: string, governor: Governor): Chunk[] {
  const bytes = new TextEncoder().encode(text);
  const r = chunkFile(fileOf(SOURCES[language]!.path, language, bytes.length), bytes, governor);
  if (r.status !== "chunked") throw new Error(JSON.stringify(r));
  expect(r.strategy).toBe("semantic");
  expect(problems(bytes, r.chunks, governor)).toEqual([]);
  return r.chunks;
}

describe.each(Object.keys(SOURCES))("%s", (language) => {
  for (const packing of ["greedy", "anchored"] as const) {
    test(`${packing}: an edit inside one function changes the chunk holding it and at most one neighbour`, () => {
      const governor = { ...gov(256), packing };
      const before = chunks(language, source(language), governor);
      expect(before.length).toBeGreaterThan(5);
      for (const edit of [3, 14, 27]) {
        const after = chunks(language, source(language, edit), governor);
        const had = new Set(before.map((c) => c.content));
        const changed = after.filter((c) => !had.has(c.content));
        const name = language === "go" ? `F${edit}` : `f${edit}`;
        // The edited function's chunk is among the changed ones, and at most one more changed.
        expect(changed.some((c) => c.symbols.includes(name))).toBe(true);
        expect(changed.length).toBeLessThanOrEqual(2);
        // Functions are never split: each lies whole in one chunk.
        for (let i = 0; i < 30; i++) {
          const n = language === "go" ? `F${i}` : `f${i}`;
          expect(after.filter((c) => c.symbols.includes(n)).length).toBe(1);
        }
      }
    });
  }

  test("anchored keeps the fewest chunks: never more than greedy", () => {
    for (const budget of [64, 128, 256, 512]) {
      const g = chunks(language, source(language), { ...gov(budget), packing: "greedy" });
      const a = chunks(language, source(language), { ...gov(budget), packing: "anchored" });
      expect(a.length).toBeLessThanOrEqual(g.length);
    }
  });

  test("no packing option means greedy", () => {
    const text = source(language, 5);
    expect(chunks(language, text, gov(256))).toEqual(chunks(language, text, { ...gov(256), packing: "greedy" }));
  });
});
