import { afterAll, expect, spyOn, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processFile } from "../../src/chunkers/processFile.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import { removeTree, tempDir } from "../discover/tree.ts";

const dir = tempDir("weft-process-");
afterAll(() => removeTree(dir));

test("chunking a big file forces no collection: its tree is freed in C, not by the GC", () => {
  const text = "def f(x):\n    return x + 1\n\n".repeat(12_000); // ~330 KB
  writeFileSync(join(dir, "big.py"), text);
  const gc = spyOn(Bun, "gc");
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
    );
    expect(r.status).toBe("chunked");
    if (r.status === "chunked") expect(r.strategy).toBe("semantic");
    expect(gc.mock.calls.length).toBe(0);
  } finally {
    gc.mockRestore();
  }
});

test("no module under src/ calls Bun.gc", () => {
  const root = join(import.meta.dir, "../../src");
  const callers = [...new Bun.Glob("**/*.ts").scanSync(root)].filter((f) =>
    /\bBun\.gc\s*\(/.test(readFileSync(join(root, f), "utf8")),
  );
  expect(callers).toEqual([]);
});
