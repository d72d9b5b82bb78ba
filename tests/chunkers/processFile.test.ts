import { afterAll, expect, spyOn, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { processFile } from "../../src/chunkers/processFile.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import { removeTree, tempDir } from "../discover/tree.ts";

const dir = tempDir("weft-process-");
afterAll(() => removeTree(dir));

test("the chunkers never collect themselves: a big file calls betweenPhases twice with its length, and Bun.gc not at all", () => {
  const text = "def f(x):\n    return x + 1\n\n".repeat(12_000); // ~330 KB, above the old in-chunker threshold
  writeFileSync(join(dir, "big.py"), text);
  const gc = spyOn(Bun, "gc");
  const calls: number[] = [];
  try {
    const r = processFile(
      {
        index: 0,
        path: "big.py",
        absPath: `${dir}/big.py`,
        language: "python",
        languageSource: "extension",
        size: text.length,
      },
      DEFAULT_GOVERNOR,
      { betweenPhases: (n) => calls.push(n) },
    );
    expect(r.status).toBe("chunked");
    expect(gc.mock.calls.length).toBe(0);
  } finally {
    gc.mockRestore();
  }
  expect(calls).toEqual([text.length, text.length]);
});
