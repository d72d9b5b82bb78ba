import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openCacheDir } from "../../src/cache/dir.ts";
import { toJsonl } from "../../src/cache/entry.ts";
import { createEntryStore } from "../../src/cache/store.ts";
import type { FileResult } from "../../src/model/result.ts";
import { removeTree, tempDir } from "../discover/tree.ts";

const root = tempDir("weft-cache-store-");
afterAll(() => removeTree(root));

const result = (n: number): Extract<FileResult, { status: "chunked" }> => ({
  status: "chunked",
  index: 0,
  path: `f${n}.txt`,
  strategy: "text",
  reason: "text",
  chunks: [],
});
const key = (n: number) => n.toString(16).padStart(32, "0");
const sizeOf = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith(".wce"))
    .reduce((s, n) => s + statSync(join(dir, n)).size, 0);

test("eviction keeps the cache within its bound, least recently used (mtime) first; a hit counts as a use; foreign files stay", () => {
  const dir = openCacheDir(join(root, "evict"));
  const fill = createEntryStore(dir, 1 << 30);
  for (let n = 0; n < 10; n++) fill.write(key(n), result(n), "x".repeat(1000));
  const one = statSync(join(dir, `${key(0)}.wce`)).size;
  // Entry n was last used at minute n; entry 2 is then read (used now).
  for (let n = 0; n < 10; n++) utimesSync(join(dir, `${key(n)}.wce`), n * 60, n * 60);
  writeFileSync(join(dir, "notes.txt"), "not an entry");
  const bounded = createEntryStore(dir, 5 * one);
  expect("corrupt" in (bounded.read(key(2), 0) ?? { corrupt: "missing" })).toBe(false);
  bounded.evict();
  const left = readdirSync(dir).sort();
  expect(left).toEqual([...[2, 6, 7, 8, 9].map((n) => `${key(n)}.wce`), "notes.txt"].sort());
  expect(bounded.stats.evicted).toBe(5);
  expect(sizeOf(dir)).toBeLessThanOrEqual(5 * one);
});

test("a temp file left by a run that died is removed after an hour, not before", () => {
  const dir = openCacheDir(join(root, "temps"));
  const store = createEntryStore(dir, 1 << 20);
  const [old, fresh] = [`${key(1)}.wce.123.abc.tmp`, `${key(2)}.wce.456.def.tmp`];
  writeFileSync(join(dir, old), "partial");
  writeFileSync(join(dir, fresh), "partial");
  utimesSync(join(dir, old), Date.now() / 1000 - 7200, Date.now() / 1000 - 7200);
  store.evict();
  expect(readdirSync(dir)).toEqual([fresh]);
});

test("an entry that is a symbolic link or not a file is reported corrupt, never read through", () => {
  const dir = openCacheDir(join(root, "links"));
  const store = createEntryStore(dir, 1 << 20);
  store.write(key(1), result(1), toJsonl(result(1)));
  symlinkSync(join(dir, `${key(1)}.wce`), join(dir, `${key(2)}.wce`));
  mkdirSync(join(dir, `${key(3)}.wce`));
  expect(store.read(key(1), 0)).toMatchObject({ path: "f1.txt", chunkCount: 0 });
  expect(store.read(key(2), 0)).toMatchObject({ corrupt: expect.stringContaining("ELOOP") });
  expect(store.read(key(3), 0)).toMatchObject({ corrupt: "not a regular file of yours" });
  expect(store.read(key(4), 0)).toBeUndefined();
});

test("the cache directory is created private (0700); a shared, linked or non-directory one is refused with the fix", () => {
  const made = openCacheDir(join(root, "new", "cache"));
  expect(statSync(made).mode & 0o777).toBe(0o700);
  const shared = join(root, "shared");
  mkdirSync(shared);
  chmodSync(shared, 0o755);
  expect(() => openCacheDir(shared)).toThrow(
    `cannot use --cache ${shared}: group or others have access to it (mode 755`,
  );
  expect(() => openCacheDir(shared)).toThrow(`fix: chmod 700 ${shared}`);
  symlinkSync(made, join(root, "link"));
  expect(() => openCacheDir(join(root, "link"))).toThrow("it is a symbolic link");
  writeFileSync(join(root, "file"), "");
  expect(() => openCacheDir(join(root, "file"))).toThrow("it is not a directory");
});
