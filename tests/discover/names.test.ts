import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { parsePathList } from "../../src/discover/args.ts";
import { discover } from "../../src/discover/discover.ts";
import { encodePath, fsPath } from "../../src/discover/pathBytes.ts";
import { pathHash } from "../../src/discover/shard.ts";
import { options, removeTree, tempDir } from "./tree.ts";

// Names that are not UTF-8, made with their exact bytes (never through node:path, which Bun makes lossy).
let root: string;
const at = (rel: string) => fsPath(`${root}/${rel}`);

beforeAll(() => {
  root = tempDir();
  writeFileSync(at("bad\udcff.py"), "x = 1\n");
  writeFileSync(at("bad\udcfe.py"), "y = 22\n"); // differs from the one above in one byte
  writeFileSync(at("x\ufffd.py"), "real U+FFFD in the name\n"); // valid UTF-8 (EF BF BD)
  mkdirSync(at("x\udcff.py")); // a directory whose lossy name would collide with the file above
  writeFileSync(at("x\udcff.py/k.py"), "k = 3\n");
  mkdirSync(at("d\udcfe"));
  writeFileSync(at("d\udcfe/.gitignore"), "ignored.py\n");
  writeFileSync(at("d\udcfe/in.py"), "z = 4\n");
  writeFileSync(at("d\udcfe/ignored.py"), "ignored by the .gitignore in a directory whose name is not UTF-8\n");
  writeFileSync(at("new\nline.py"), "n = 5\n");
  symlinkSync(fsPath("bad\udcff.py"), at("link\udc80.py"));
});
afterAll(() => removeTree(root));

// Sorted by UTF-16 code unit, as every path: an escaped byte (U+DC80..U+DCFF) sorts before U+FFFD.
const EXPECTED = [
  "bad\udcfe.py",
  "bad\udcff.py",
  "d\udcfe/in.py",
  "link\udc80.py",
  "new\nline.py",
  "x\udcff.py/k.py",
  "x\ufffd.py",
];

describe("file names that are not valid UTF-8", () => {
  test("are found, distinct, typed right, with ignore files applied, and read by their exact bytes", () => {
    const { files, skipped } = discover(options(root, { follow: true }));
    expect(skipped).toEqual([]);
    expect(files.map((f) => f.path)).toEqual(EXPECTED);
    const read = files.map((f) => readFileSync(fsPath(f.absPath), "utf8"));
    expect(read).toEqual([
      "y = 22\n",
      "x = 1\n",
      "z = 4\n",
      "x = 1\n",
      "n = 5\n",
      "k = 3\n",
      "real U+FFFD in the name\n",
    ]);
    // The followed link's real path keeps the target's bytes.
    expect(files[3]!.absPath).toBe(`${root}/bad\udcff.py`);
  });

  test("listed on stdin (-0) by their bytes", () => {
    const paths = EXPECTED.filter((p) => !p.startsWith("link")).reverse();
    const listed = parsePathList(
      Buffer.concat(paths.map((p) => Buffer.concat([encodePath(p), Buffer.from([0])]))),
      true,
    );
    expect(listed).toEqual(paths);
    const { files, skipped } = discover(options(root, { paths: [], listed }));
    expect(skipped).toEqual([]);
    expect(files.map((f) => f.path)).toEqual(paths.reverse());
  });

  test("--shard hashes the exact bytes (FNV-1a), so names differing in one bad byte are hashed apart", () => {
    const fnv = (bytes: Iterable<number>) => {
      let h = 0x811c9dc5;
      for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
      return h;
    };
    expect(pathHash("bad\udcff.py")).toBe(fnv(Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x70, 0x79])));
    expect(pathHash("bad\udcff.py")).not.toBe(pathHash("bad\udcfe.py"));
    expect(pathHash("x\ufffd.py")).toBe(fnv(Buffer.from("x\ufffd.py", "utf8"))); // valid names: UTF-8, as always
    const all = discover(options(root)).files.map((f) => f.path);
    const shards = [1, 2, 3].flatMap((index) =>
      discover(options(root, { shard: { index, count: 3 } })).files.map((f) => f.path),
    );
    expect(shards.sort((a, b) => (a < b ? -1 : 1))).toEqual(all);
  });
});
