// The edit-stability benchmark's counting (tests/bench/stability.ts) on hand-made version pairs.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadParsers } from "../../src/languages/registry.ts";
import { changedDefinitions, measureStability, summarize } from "./stability.ts";
import { stabilityTargets } from "./targets.ts";

loadParsers(["python", "go"]);
const dir = mkdtempSync(join(tmpdir(), "weft-stability-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PY_OLD = `import os


class A:
    def one(self):
        return 1

    def two(self):
        return 2


def free(x):
    return x
`;

describe("changedDefinitions", () => {
  test("python: a method body edit is one change (not its class too); an added class with methods is one", () => {
    const edited = PY_OLD.replace("return 2", "return 22");
    expect(changedDefinitions("python", PY_OLD, edited)).toEqual([
      "changed class_definition A#0 > function_definition two#0",
    ]);
    const added = `${PY_OLD}\n\nclass B:\n    def three(self):\n        return 3\n`;
    expect(changedDefinitions("python", PY_OLD, added)).toEqual(["added class_definition B#0"]);
    expect(changedDefinitions("python", added, PY_OLD)).toEqual(["removed class_definition B#0"]);
    // An edit outside every definition changes none.
    expect(changedDefinitions("python", PY_OLD, PY_OLD.replace("import os", "import sys"))).toEqual([]);
  });

  test("typescript: an exported const and a method, keyed through the export wrapper", () => {
    const old = "export const a = 1;\nexport class C {\n  m() {\n    const local = 1;\n    return local;\n  }\n}\n";
    const edited = old.replace("const a = 1", "const a = 2").replace("local = 1", "local = 3");
    expect(changedDefinitions("typescript", old, edited)).toEqual([
      "changed class_declaration C#0 > method_definition m#0",
      "changed lexical_declaration a#0",
    ]);
  });

  test("go: functions, methods and top-level consts; duplicates keyed by occurrence", () => {
    const old = "package p\n\nconst X = 1\n\nfunc init() {}\n\nfunc init() {}\n\nfunc (t T) M() int { return 1 }\n";
    const edited = old.replace("func init() {}\n\nfunc (", "func init() { x() }\n\nfunc (").replace("X = 1", "X = 2");
    expect(changedDefinitions("go", old, edited)).toEqual([
      "changed const_declaration X#0",
      "changed function_declaration init#1",
    ]);
  });
});

describe("measureStability", () => {
  test("counts changed files only, chunks of the new version not among the old ones, per packing", async () => {
    const root = join(dir, "pairs", "pairs", "py");
    const many = (edit: boolean) =>
      Array.from(
        { length: 40 },
        (_, i) => `def f${i}(x):\n    y = x * ${i}\n    return y${edit && i === 7 ? " + 1" : ""}\n\n\n`,
      ).join("");
    for (const [side, edit] of [
      ["old", false],
      ["new", true],
    ] as const) {
      mkdirSync(join(root, side), { recursive: true });
      writeFileSync(join(root, side, "m.py"), many(edit));
      writeFileSync(join(root, side, "same.py"), "x = 1\n");
    }
    writeFileSync(join(root, "new", "added.py"), "y = 2\n");
    const files = await measureStability(join(dir, "pairs"), 64);
    expect(files.map((f) => f.path)).toEqual(["m.py"]);
    const [m] = files;
    expect(m!.changedDefinitions).toBe(1);
    for (const p of ["greedy", "anchored"] as const) {
      expect(m!.chunks[p].new).toBeGreaterThan(5);
      expect(m!.chunks[p].changed).toBeGreaterThanOrEqual(1);
      expect(m!.chunks[p].changed).toBeLessThanOrEqual(2);
    }
    const s = summarize(files);
    expect(s.withDefinitions).toBe(1);
    expect(s.packings.greedy.medianRatio).toBe(m!.chunks.greedy.changed);
  });
});

describe("stabilityTargets", () => {
  const summary = (greedy: number, anchored: number) => {
    const p = (changed: number) => ({
      changedChunks: changed,
      medianRatio: changed / 10,
      meanRatio: 0,
      totalRatio: 0,
      chunks: 0,
    });
    return {
      files: 10,
      withDefinitions: 10,
      changedDefinitions: 10,
      packings: { greedy: p(greedy), anchored: p(anchored) },
    };
  };
  test("median <= 1.5 per packing; anchored must change strictly fewer chunks than greedy", () => {
    expect(stabilityTargets(summary(12, 11)).map((t) => t.pass)).toEqual([true, true, true]);
    expect(stabilityTargets(summary(12, 12)).map((t) => t.pass)).toEqual([true, true, false]);
    expect(stabilityTargets(summary(16, 11)).map((t) => t.pass)).toEqual([false, true, true]);
  });
});
