import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { discover } from "../../src/discover/discover.ts";
import type { DiscoveryOptions } from "../../src/model/file.ts";
import { options, removeTree, tempDir, writeTree } from "./tree.ts";

// base/
//   outside/secret.txt          not under the current directory
//   real/proj/                  the current directory (the tree)
//     sub/a.py, inner/b.py, inner/nested/
//     lnk -> inner, deep -> inner/nested      links inside the tree, to the tree
//     out -> ../../outside                    a planted link out of the tree
//     up -> ..                                a planted link to an ancestor of the tree
//     loopy -> loopy, broken -> nowhere
//   alias -> real               outside the tree, to an ancestor of the current directory (like /home -> /data/home)
//   projlink -> real/proj       outside the tree, to the current directory
//   elsewhere -> outside        outside the tree, to somewhere else
let base: string;
let cwd: string;

beforeAll(() => {
  base = tempDir();
  cwd = join(base, "real/proj");
  writeTree(base, {
    "outside/secret.txt": "SECRET\n",
    "real/proj/sub/a.py": "a = 1\n",
    "real/proj/inner/b.py": "b = 2\n",
  });
  mkdirSync(join(cwd, "inner/nested"));
  symlinkSync("inner", join(cwd, "lnk"));
  symlinkSync("inner/nested", join(cwd, "deep"));
  symlinkSync("../../outside", join(cwd, "out"));
  symlinkSync("..", join(cwd, "up"));
  symlinkSync("loopy", join(cwd, "loopy"));
  symlinkSync("nowhere", join(cwd, "broken"));
  symlinkSync("real", join(base, "alias"));
  symlinkSync("real/proj", join(base, "projlink"));
  symlinkSync("outside", join(base, "elsewhere"));
});
afterAll(() => removeTree(base));

/** Discovery of `listed` (as `--stdin` gives them) in the tree. */
const listed = (paths: string[], over: Partial<DiscoveryOptions> = {}) =>
  discover(options(cwd, { paths: [], listed: paths, ...over }));
const outcome = (paths: string[], over: Partial<DiscoveryOptions> = {}) => {
  const r = listed(paths, over);
  return [...r.files.map((f) => [f.path, "file"]), ...r.skipped.map((s) => [s.path, s.reason])];
};

describe("--stdin paths: every directory on the way is held to the symlink rules", () => {
  test("a link on the way out of the tree is not followed; the detail names it", () => {
    const r = listed(["out/secret.txt"]);
    expect(r.files).toEqual([]);
    expect(r.skipped).toEqual([
      {
        path: "out/secret.txt",
        reason: "symlink-not-followed",
        detail: "out: symbolic link not followed (use --follow)",
      },
    ]);
  });

  test("with --follow, its real target must lie inside the current directory", () => {
    const r = listed(["out/secret.txt", "./out/secret.txt"], { follow: true });
    expect(r.files).toEqual([]);
    expect(r.skipped).toEqual([
      {
        path: "out/secret.txt",
        reason: "symlink-outside-root",
        detail: `out: symbolic link leads outside the given roots (to ${base}/outside)`,
      },
    ]);
  });

  test("components are checked as given, before normalizing: link/.. is caught", () => {
    expect(outcome(["out/../sub/a.py"])).toEqual([["sub/a.py", "symlink-not-followed"]]);
    expect(outcome(["out/../sub/a.py"], { follow: true })).toEqual([["sub/a.py", "symlink-outside-root"]]);
  });

  test("a planted link to an ancestor of the tree is a link like any other", () => {
    expect(outcome(["up/proj/sub/a.py"])).toEqual([["up/proj/sub/a.py", "symlink-not-followed"]]);
    expect(outcome(["up/proj/sub/a.py"], { follow: true })).toEqual([["up/proj/sub/a.py", "symlink-outside-root"]]);
  });

  test("looping and broken links on the way", () => {
    expect(outcome(["broken/x.py", "loopy/x.py"], { follow: true })).toEqual([
      ["broken/x.py", "broken-symlink"],
      ["loopy/x.py", "symlink-loop"],
    ]);
    expect(listed(["loopy/x.py"]).skipped[0]!.detail).toStartWith("loopy: ");
  });

  test("a link inside the tree: not followed by default; with --follow read from where it leads", () => {
    expect(outcome(["lnk/b.py"])).toEqual([["lnk/b.py", "symlink-not-followed"]]);
    const r = listed(["lnk/b.py", "deep/../b.py", "sub/a.py"], { follow: true });
    // deep/.. is inner (where the link leads), not the current directory: the path keeps its "..".
    expect(r.files.map((f) => [f.path, f.absPath])).toEqual([
      ["deep/../b.py", join(cwd, "inner/b.py")],
      ["lnk/b.py", join(cwd, "inner/b.py")],
      ["sub/a.py", join(cwd, "sub/a.py")],
    ]);
  });

  test("links outside the tree that lead to the current directory or an ancestor are trusted; others are not", () => {
    const viaAlias = `${base}/alias/proj/sub/a.py`;
    const viaProjlink = `${base}/projlink/inner/b.py`;
    for (const follow of [false, true]) {
      const r = listed([viaAlias, viaProjlink], { follow });
      expect(r.skipped).toEqual([]);
      expect(r.files.map((f) => [f.path, f.absPath])).toEqual([
        [viaAlias, join(cwd, "sub/a.py")],
        [viaProjlink, join(cwd, "inner/b.py")],
      ]);
    }
    expect(listed([`${base}/elsewhere/secret.txt`]).skipped).toEqual([
      {
        path: `${base}/elsewhere/secret.txt`,
        reason: "symlink-not-followed",
        detail: `${base}/elsewhere: symbolic link not followed (use --follow)`,
      },
    ]);
    expect(outcome([`${base}/elsewhere/secret.txt`], { follow: true })).toEqual([
      [`${base}/elsewhere/secret.txt`, "symlink-outside-root"],
    ]);
  });

  test("many paths under one link each get the skip; paths without links are untouched", () => {
    expect(outcome(["out/secret.txt", "out/other.txt", "sub/a.py", "./inner//b.py", "sub/../inner/b.py"])).toEqual([
      ["inner/b.py", "file"],
      ["sub/a.py", "file"],
      ["out/other.txt", "symlink-not-followed"],
      ["out/secret.txt", "symlink-not-followed"],
    ]);
  });

  test("paths given as arguments stay trusted, as documented", () => {
    const r = discover(options(cwd, { paths: ["out/secret.txt"] }));
    expect(r.files.map((f) => [f.path, f.size])).toEqual([["out/secret.txt", 7]]);
  });
});
