import { afterAll, describe, expect, test } from "bun:test";
import { discover } from "../../src/discover/discover.ts";
import { seededRandom } from "../random.ts";
import { git, options, removeTree, tempDir, writeTree } from "./tree.ts";

const NAMES = [
  "a",
  "b",
  "build",
  "foo",
  "deep",
  "x.log",
  "keep.log",
  "y.py",
  "z.md",
  "Foo.txt",
  "foo.txt",
  "a b.txt",
  "#hash",
  "q",
];
const DIRS = ["a", "b", "build", "foo", "deep", "src", "x.log"];
const PATTERNS = [
  "*.log",
  "!keep.log",
  "build/",
  "/foo",
  "foo/",
  "a/**/b",
  "**/deep",
  "*.py",
  "!y.py",
  "b/*",
  "!/a",
  "z.*",
  "*.md",
  "!z.md",
  "a/",
  "/b/",
  "deep/*.log",
  "**/*.txt",
  "!Foo.txt",
  "[ab]",
  "?",
  "x.log/",
  "build",
  "!build/",
  "\\#hash",
  "*",
  "!*/",
  "!*.py",
  "a b.txt",
  "src/**",
  "!src/**/y.py",
  "/deep/",
  "foo/*.txt",
  "!/foo",
  "**/b/**",
  "# a comment",
  "",
  "a/*/q",
  "!q",
];

/** Builds a random tree with random .gitignore files and .git/info/exclude; returns its root. */
function randomTree(seed: number): string {
  const rnd = seededRandom(seed); // so a failing tree can be rebuilt from its seed
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const files: Record<string, string> = {};
  const dirs = [""];
  for (let i = 0; i < 12; i++) {
    const parent = pick(dirs);
    if (parent.split("/").length < 4) dirs.push(parent ? `${parent}/${pick(DIRS)}` : pick(DIRS));
  }
  for (const dir of new Set(dirs)) {
    for (let i = 0; i < 4; i++) {
      const name = pick(NAMES);
      const path = dir ? `${dir}/${name}` : name;
      if (!dirs.some((d) => d === path || d.startsWith(`${path}/`))) files[path] = `${path}\n`;
    }
    if (rnd() < 0.6)
      files[dir ? `${dir}/.gitignore` : ".gitignore"] = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () =>
        pick(PATTERNS),
      ).join("\n");
  }
  const root = tempDir("weft-gitcmp-");
  writeTree(root, files);
  git(root, ["init", "-q"]);
  writeTree(root, {
    ".git/info/exclude": Array.from({ length: Math.floor(rnd() * 3) }, () => pick(PATTERNS)).join("\n"),
  });
  return root;
}

/** Every path weft found (chunkable or skipped with a reason), as git would list it. */
function weftSet(root: string): string[] {
  const found = discover(options(root, { hidden: true }));
  return [...found.files.map((f) => f.path), ...found.skipped.map((s) => s.path)].sort();
}

function gitSet(root: string): string[] {
  return git(root, ["ls-files", "--cached", "--others", "--exclude-standard", "-z"])
    .split("\0")
    .filter((p) => p !== "")
    .sort();
}

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

describe("weft's file set equals git's", () => {
  test("on 60 random trees with random nested .gitignore files (negation, anchoring, dir-only, globstars) and info/exclude", () => {
    let compared = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const root = randomTree(seed);
      roots.push(root);
      const expected = gitSet(root);
      const actual = weftSet(root);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        const only = (a: string[], b: string[]) => a.filter((p) => !b.includes(p));
        throw new Error(
          `seed ${seed} (${root}): only git: ${JSON.stringify(only(expected, actual))}, only weft: ${JSON.stringify(only(actual, expected))}`,
        );
      }
      compared += expected.length;
    }
    // The trees must actually exercise both sides: plenty of files listed and plenty ignored.
    expect(compared).toBeGreaterThan(300);
  });

  test("on a tree with tracked files: --cached files that an ignore rule matches are not hidden by git, nor by weft --stdin", () => {
    const root = tempDir("weft-gitcmp-");
    roots.push(root);
    writeTree(root, { "a.py": "x = 1\n", "gen/out.py": "y = 2\n", ".gitignore": "gen/\n" });
    git(root, ["init", "-q"]);
    git(root, ["add", "-f", "a.py", "gen/out.py", ".gitignore"]);
    // A tracked file inside an ignored directory: git lists it, and `git ls-files | weft --stdin` keeps it.
    const listed = gitSet(root);
    expect(listed).toEqual([".gitignore", "a.py", "gen/out.py"]);
    const found = discover(options(root, { paths: [], listed, hidden: true }));
    expect(found.files.map((f) => f.path)).toEqual(listed);
  });
});
