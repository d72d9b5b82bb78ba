import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { circles, forbiddenImports, importGraph, relativeSpecifiers } from "./imports.ts";

// Data flows discover -> cache -> execute -> chunkers -> output, and the CLI (src/commands/, src/cli.ts)
// sits on top: lower layers never import it, and no two modules import each other, directly or not.

const repo = join(import.meta.dir, "..");
const graph = importGraph(repo, ["src", "diagnostics"]);

/** True when `file` belongs to the CLI layer. */
const isCli = (file: string) => file.startsWith("src/commands/") || file === "src/cli.ts";

describe("layering of src/ and diagnostics/", () => {
  test("the graph is the real one: over a hundred files, hundreds of imports, the known edges among them", () => {
    const edges = [...graph.values()].reduce((n, s) => n + s.size, 0);
    expect(graph.size).toBeGreaterThan(100);
    expect(edges).toBeGreaterThan(300);
    expect(graph.get("src/commands/runChunk.ts")?.has("src/cache/key.ts")).toBe(true);
    expect(graph.get("src/cli.ts")?.has("src/commands/index.ts")).toBe(true); // a dynamic import
    expect(graph.get("src/commands/options.ts")?.has("diagnostics/run.ts")).toBe(true);
  });

  test("no circle of imports", () => {
    expect(circles(graph)).toEqual([]);
  });

  test("nothing outside src/commands/ and src/cli.ts imports from src/commands/", () => {
    expect(forbiddenImports(graph, (from, to) => isCli(from) || !isCli(to))).toEqual([]);
  });
});

describe("the checks find what they look for (planted files)", () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-layers-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  write({
    "src/a.ts": 'import type {\n  B,\n} from "./b.ts";\nexport const a = 1;\n',
    "src/b.ts": 'export { c } from "./deep/c";\nexport type B = number;\n',
    "src/deep/c.ts": 'import "../a.ts";\nexport const c = 1;\n',
    "src/self.ts": 'const me = await import("./self.ts");\n',
    "src/lone.ts": 'import { x } from "valibot";\nimport { y } from "./missing.ts";\n',
    "src/cache/key.ts": 'import type { ChunkOptions } from "../commands/run.ts";\n',
    "src/commands/run.ts": 'import { key } from "../cache/key.ts";\nimport { d } from "./dep";\n',
    "src/commands/dep/index.ts": "export const d = 1;\n",
    "src/types.d.ts": 'import "./a.ts";\n',
  });
  const planted = importGraph(dir, ["src"]);

  test("every import form is read, and specifiers resolve as Bun resolves them", () => {
    expect(
      relativeSpecifiers('import a from "./a.ts";\nexport * from \'../b\';\nimport "./c";\nimport("./d");'),
    ).toEqual(["./a.ts", "../b", "./c", "./d"]);
    expect(Object.fromEntries([...planted].map(([f, s]) => [f, [...s].sort()]))).toEqual({
      "src/a.ts": ["src/b.ts"],
      "src/b.ts": ["src/deep/c.ts"],
      "src/deep/c.ts": ["src/a.ts"],
      "src/self.ts": ["src/self.ts"],
      "src/lone.ts": [],
      "src/cache/key.ts": ["src/commands/run.ts"],
      "src/commands/run.ts": ["src/cache/key.ts", "src/commands/dep/index.ts"],
      "src/commands/dep/index.ts": [],
    });
  });

  test("circles: three files through type, re-export and side-effect imports, a self-import, a lower layer and the CLI", () => {
    expect(circles(planted).sort()).toEqual([
      ["src/a.ts", "src/b.ts", "src/deep/c.ts"],
      ["src/cache/key.ts", "src/commands/run.ts"],
      ["src/self.ts"],
    ]);
  });

  test("a lower layer importing the CLI is reported, the CLI importing itself is not", () => {
    expect(forbiddenImports(planted, (from, to) => isCli(from) || !isCli(to))).toEqual([
      "src/cache/key.ts -> src/commands/run.ts",
    ]);
  });
});
