import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { discover } from "../../src/discover/discover.ts";
import { pathHash } from "../../src/discover/shard.ts";
import { options, removeTree, tempDir, writeTree } from "./tree.ts";

let root: string;
beforeAll(() => {
  root = tempDir();
  const files: Record<string, string | Uint8Array> = {};
  for (let i = 0; i < 400; i++)
    files[`d${i % 7}/sub${i % 3}/f${i}.${["py", "ts", "md", "txt"][i % 4]}`] = `line ${i}\n`;
  for (let i = 0; i < 20; i++) files[`bin/b${i}.dat`] = new Uint8Array([1, 0, 2]);
  writeTree(root, files);
});
afterAll(() => removeTree(root));

describe("--shard K/N", () => {
  test("for N = 1..5 the shards are disjoint, their union is the unsharded set, indices restart per shard", () => {
    const full = discover(options(root));
    expect(full.files.length).toBe(400);
    expect(full.skipped.length).toBe(20);
    for (let n = 1; n <= 5; n++) {
      const files: string[] = [];
      const skipped: string[] = [];
      for (let k = 1; k <= n; k++) {
        const shard = discover(options(root, { shard: { index: k, count: n } }));
        shard.files.forEach((f, i) => expect(f.index).toBe(i));
        // Each shard of 400 files gets a fair share (a broken hash would put everything in one).
        if (n > 1) expect(shard.files.length).toBeGreaterThan(400 / n / 2);
        files.push(...shard.files.map((f) => f.path));
        skipped.push(...shard.skipped.map((s) => s.path));
      }
      expect(new Set(files).size).toBe(files.length);
      expect(new Set(skipped).size).toBe(skipped.length);
      expect(files.sort()).toEqual(full.files.map((f) => f.path));
      expect(skipped.sort()).toEqual(full.skipped.map((s) => s.path));
    }
  });

  test("the path hash is FNV-1a over UTF-8 and never changes", () => {
    expect(pathHash("")).toBe(0x811c9dc5);
    expect(pathHash("a")).toBe(0xe40c292c);
    expect(pathHash("src/main.rs")).toBe(pathHash("src/main.rs"));
    expect(pathHash("é")).not.toBe(pathHash("e"));
  });
});
