import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { discover } from "../../src/discover/discover.ts";
import { DiscoveredFileSchema, SkipRecordSchema, type DiscoveryOptions } from "../../src/model/file.ts";
import { git, options, removeTree, tempDir, writeTree } from "./tree.ts";

let root: string;

beforeAll(() => {
  root = tempDir();
  writeTree(root, {
    ".gitignore": "*.log\nbuild/\n!keep.log\n/anchored.txt\ndocs/*.tmp\n",
    ".ignore": "by-dot-ignore.txt\n",
    ".weftignore": "secret/\n",
    "a.py": "print(1)\n",
    "keep.log": "kept by negation\n",
    "debug.log": "ignored\n",
    "anchored.txt": "ignored at the top only\n",
    "sub/anchored.txt": "not ignored: the pattern is anchored\n",
    "sub/.gitignore": "!debug.log\n*.md\n",
    "sub/debug.log": "re-included by the deeper .gitignore\n",
    "sub/readme.md": "ignored by sub/.gitignore\n",
    "sub/code.rs": "fn main() {}\n",
    "docs/x.tmp": "ignored\n",
    "docs/guide.md": "# Guide\n",
    "build/out.js": "ignored dir\n",
    "excluded-by-info.txt": "ignored by .git/info/exclude\n",
    "by-dot-ignore.txt": "ignored by .ignore\n",
    "secret/key.txt": "ignored by .weftignore\n",
    ".hidden.py": "hidden\n",
    ".config/x.yml": "a: 1\n",
    "scripts/deploy": "#!/usr/bin/env python3\nprint('deploy')\n",
    "scripts/run": "#!/bin/sh\necho run\n",
    "scripts/tool": "#!/usr/bin/env -S node --no-warnings\nconsole.log(1)\n",
    "scripts/notes": "no shebang here\n",
    Makefile: "all:\n\techo hi\n",
    Dockerfile: "FROM scratch\n",
    "bin/data.bin": new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
    "bin/ctrl.dat": new Uint8Array(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))),
    "dist/app.min.js": `var a=${"x+".repeat(6000)}1;`,
    "dist/app.js": "function f() {\n  return 1;\n}\n".repeat(400),
    "big.txt": `${"x".repeat(79)}\n`.repeat(64),
    "empty.txt": "",
  });
  git(root, ["init", "-q"]);
  writeTree(root, { ".git/info/exclude": "excluded-by-info.txt\n" });
  mkdirSync(join(root, "links"));
  symlinkSync("../a.py", join(root, "links/to-file.py"));
  symlinkSync("../sub", join(root, "links/to-dir"));
  symlinkSync(".", join(root, "links/loop"));
  symlinkSync("nowhere", join(root, "links/broken"));
  symlinkSync("/etc/hostname", join(root, "links/outside"));
  symlinkSync("cycle-b", join(root, "links/cycle-a"));
  symlinkSync("cycle-a", join(root, "links/cycle-b"));
  expect(Bun.spawnSync(["mkfifo", join(root, "pipe")]).exitCode).toBe(0);
});

afterAll(() => removeTree(root));

const run = (over: Partial<DiscoveryOptions> = {}) => discover(options(root, over));
const paths = (over: Partial<DiscoveryOptions> = {}) => run(over).files.map((f) => f.path);
const skips = (over: Partial<DiscoveryOptions> = {}) =>
  Object.fromEntries(run(over).skipped.map((s) => [s.path, s.reason]));

describe("discover", () => {
  test("default: ignore files, hidden files and skips as git and ripgrep users expect", () => {
    expect(paths()).toEqual([
      "Dockerfile",
      "Makefile",
      "a.py",
      "big.txt",
      "dist/app.js",
      "docs/guide.md",
      "empty.txt",
      "keep.log",
      "scripts/deploy",
      "scripts/notes",
      "scripts/run",
      "scripts/tool",
      "sub/anchored.txt",
      "sub/code.rs",
      "sub/debug.log",
    ]);
    expect(skips()).toEqual({
      "bin/ctrl.dat": "binary",
      "bin/data.bin": "binary",
      "dist/app.min.js": "minified",
      "links/broken": "broken-symlink",
      "links/cycle-a": "symlink-loop",
      "links/cycle-b": "symlink-loop",
      "links/loop": "symlink-not-followed",
      "links/outside": "symlink-not-followed",
      "links/to-dir": "symlink-not-followed",
      "links/to-file.py": "symlink-not-followed",
      pipe: "not-regular-file",
    });
  });

  test("files are plain data, sorted, indexed in order, with sizes and languages", () => {
    const { files, skipped } = run();
    files.forEach((f, i) => {
      expect(v.is(DiscoveredFileSchema, f)).toBe(true);
      expect(f.index).toBe(i);
      expect(f.absPath).toBe(join(root, f.path));
    });
    for (const s of skipped) expect(v.is(SkipRecordSchema, s)).toBe(true);
    const by = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(by["a.py"]).toMatchObject({ language: "python", languageSource: "extension", size: 9 });
    expect(by["empty.txt"]).toMatchObject({ language: "text", languageSource: "default", size: 0 });
    expect(by["scripts/deploy"]).toMatchObject({ language: "python", languageSource: "shebang" });
    expect(by["scripts/run"]).toMatchObject({ language: "bash", languageSource: "shebang" });
    expect(by["scripts/tool"]).toMatchObject({ language: "javascript", languageSource: "shebang" });
    expect(by["scripts/notes"]).toMatchObject({ language: "text", languageSource: "default" });
  });

  test("--hidden, --no-ignore", () => {
    const hidden = paths({ hidden: true });
    expect(hidden).toContain(".hidden.py");
    expect(hidden).toContain(".config/x.yml");
    expect(hidden).toContain(".gitignore");
    expect(hidden.some((p) => p.startsWith(".git/"))).toBe(false);
    const all = paths({ ignoreFiles: false });
    for (const p of [
      "debug.log",
      "anchored.txt",
      "build/out.js",
      "excluded-by-info.txt",
      "by-dot-ignore.txt",
      "secret/key.txt",
      "sub/readme.md",
      "docs/x.tmp",
    ]) {
      expect(all).toContain(p);
    }
    expect(all).not.toContain(".hidden.py");
  });

  test("--follow: links inside the root are followed; outside, broken and looping ones are skipped", () => {
    const { files, skipped } = run({ follow: true });
    const ps = files.map((f) => f.path);
    expect(ps).toContain("links/to-file.py");
    // The linked directory is walked under the link's path, with its own .gitignore applied.
    expect(ps).toContain("links/to-dir/code.rs");
    expect(ps).toContain("links/to-dir/debug.log");
    expect(ps).not.toContain("links/to-dir/readme.md");
    const reasons = Object.fromEntries(skipped.map((s) => [s.path, s.reason]));
    expect(reasons["links/outside"]).toBe("symlink-outside-root");
    expect(reasons["links/loop"]).toBe("symlink-loop");
    expect(reasons["links/broken"]).toBe("broken-symlink");
    expect(reasons["links/cycle-a"]).toBe("symlink-loop");
    expect(skipped.find((s) => s.path === "links/outside")!.detail).toContain("outside the given roots");
  });

  test("a link to a directory outside the roots is not followed even with --follow", () => {
    const dir = tempDir();
    try {
      writeTree(dir, { "in/a.py": "x = 1\n", "private/id_rsa": "SECRET\n" });
      symlinkSync("../private", join(dir, "in/escape"));
      symlinkSync("../private/id_rsa", join(dir, "in/key"));
      const found = discover(options(join(dir, "in"), { follow: true }));
      expect(found.files.map((f) => f.path)).toEqual(["a.py"]);
      expect(found.skipped.map((s) => [s.path, s.reason])).toEqual([
        ["escape", "symlink-outside-root"],
        ["key", "symlink-outside-root"],
      ]);
      // Listed paths (stdin) are untrusted too: a listed link is held to the same policy.
      const listed = discover(options(join(dir, "in"), { paths: [], listed: ["a.py", "key"], follow: true }));
      expect(listed.skipped.map((s) => s.reason)).toEqual(["symlink-outside-root"]);
      const notFollowed = discover(options(join(dir, "in"), { paths: [], listed: ["a.py", "key"] }));
      expect(notFollowed.skipped.map((s) => s.reason)).toEqual(["symlink-not-followed"]);
    } finally {
      removeTree(dir);
    }
  });

  test("--max-file-size, --no-skip-minified", () => {
    expect(skips({ maxFileSize: 4096 })["big.txt"]).toBe("too-large");
    expect(paths({ skipMinified: false })).toContain("dist/app.min.js");
  });

  test("--include / --exclude globs (gitignore syntax, matched on the shown path)", () => {
    expect(paths({ include: ["*.py"] })).toEqual(["a.py"]);
    expect(paths({ include: ["scripts/"] })).toEqual([
      "scripts/deploy",
      "scripts/notes",
      "scripts/run",
      "scripts/tool",
    ]);
    const ex = paths({ exclude: ["scripts", "*.md"] });
    expect(ex.some((p) => p.startsWith("scripts/") || p.endsWith(".md"))).toBe(false);
    expect(ex).toContain("a.py");
    // Globs filter skips too: nothing under bin/ is reported once bin/ is excluded.
    expect(Object.keys(skips({ exclude: ["bin/"] })).some((p) => p.startsWith("bin/"))).toBe(false);
  });

  test("--lang keeps only those languages, shebang-detected ones included", () => {
    expect(paths({ languages: ["python"] })).toEqual(["a.py", "scripts/deploy"]);
    expect(Object.keys(skips({ languages: ["python"] }))).toEqual(["links/to-file.py"]);
    expect(paths({ languages: ["rust", "markdown"] })).toEqual(["docs/guide.md", "sub/code.rs"]);
  });

  test("--map overrides detection by extension or exact name", () => {
    const files = run({ map: { log: "markdown", notes: "python" } }).files;
    const by = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(by["keep.log"]).toMatchObject({ language: "markdown", languageSource: "map" });
    expect(by["scripts/notes"]).toMatchObject({ language: "python", languageSource: "map" });
  });

  test("explicit paths: shown as given (normalized), never filtered by ignore rules, deduplicated", () => {
    expect(paths({ paths: ["./sub/", "debug.log", "sub/code.rs", ".hidden.py"] })).toEqual([
      ".hidden.py",
      "debug.log",
      "sub/anchored.txt",
      "sub/code.rs",
      "sub/debug.log",
    ]);
    expect(paths({ paths: [join(root, "sub")] })).toEqual([
      join(root, "sub/anchored.txt"),
      join(root, "sub/code.rs"),
      join(root, "sub/debug.log"),
    ]);
    expect(paths({ paths: ["../" + root.split("/").pop() + "/sub"] })[0]).toBe(
      `../${root.split("/").pop()}/sub/anchored.txt`,
    );
  });

  test("a walk root below the repository top still gets the top's .gitignore and info/exclude", () => {
    writeTree(root, {
      "sub/deep/x.log": "ignored by the top .gitignore\n",
      "sub/deep/excluded-by-info.txt": "ignored\n",
      "sub/deep/ok.txt": "ok\n",
    });
    try {
      expect(discover(options(join(root, "sub"), { paths: ["deep"] })).files.map((f) => f.path)).toEqual([
        "deep/ok.txt",
      ]);
    } finally {
      removeTree(join(root, "sub/deep"));
    }
  });

  test("missing paths and listed paths are reported, not fatal", () => {
    const found = run({ paths: ["a.py", "nope.py"], listed: ["sub/code.rs", "gone.rs", "", "pipe"] });
    expect(found.files.map((f) => f.path)).toEqual(["a.py", "sub/code.rs"]);
    expect(found.skipped.map((s) => [s.path, s.reason])).toEqual([
      ["gone.rs", "not-found"],
      ["nope.py", "not-found"],
      ["pipe", "not-regular-file"],
    ]);
  });
});
