import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { discover } from "../../src/discover/discover.ts";
import { readDiscovered } from "../../src/chunkers/readFile.ts";
import type { DiscoveryOptions, ReadLimits } from "../../src/model/file.ts";
import { options, removeTree, tempDir, writeTree } from "./tree.ts";

/** Every file's fate (reason and detail of a skip) when discovery checks content, and when it defers the checks to the reader. */
function fates(opts: DiscoveryOptions): { eager: Record<string, string>; deferred: Record<string, string> } {
  const eager = discover({ ...opts, checkContent: true });
  const lazy = discover({ ...opts, checkContent: false });
  const fate = (s: { reason: string; detail: string }) => `${s.reason}: ${s.detail}`;
  const deferred: Record<string, string> = Object.fromEntries(lazy.skipped.map((s) => [s.path, fate(s)]));
  for (const f of lazy.files) {
    const r = readDiscovered(f, limitsOf(opts));
    if ("bytes" in r) {
      expect(r.bytes.length).toBe(f.size);
      deferred[f.path] = "ok";
    } else
      deferred[f.path] =
        r.status === "skipped" ? fate(r) : r.status === "failed" ? `failed: ${r.failure.message}` : "chunked?";
  }
  return {
    eager: {
      ...Object.fromEntries(eager.skipped.map((s) => [s.path, fate(s)])),
      ...Object.fromEntries(eager.files.map((f) => [f.path, "ok"])),
    },
    deferred,
  };
}

const limitsOf = (o: DiscoveryOptions): ReadLimits => ({ maxFileSize: o.maxFileSize, skipMinified: o.skipMinified });
const reasonOf = (fate: string) => fate.split(":")[0];

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

describe("checkContent off + the reader (readDiscovered) = checkContent on, reasons and details alike", () => {
  test("on a fixture with every kind of skip", () => {
    const root = tempDir();
    dirs.push(root);
    writeTree(root, {
      "a.py": "print(1)\n",
      run: "#!/bin/sh\necho\n",
      blob: new Uint8Array([1, 0, 2]),
      "data.bin": new Uint8Array([0, 0, 0]),
      "app.min.js": "x".repeat(9000),
      "big.txt": "line\n".repeat(3000),
      "empty.md": "",
    });
    symlinkSync("a.py", join(root, "link.py"));
    Bun.spawnSync(["mkfifo", join(root, "pipe")]);
    const { eager, deferred } = fates(options(root, { maxFileSize: 10_000, follow: true }));
    expect(deferred).toEqual(eager);
    expect(Object.fromEntries(Object.entries(eager).map(([p, f]) => [p, reasonOf(f)]))).toEqual({
      "a.py": "ok",
      run: "ok",
      blob: "binary",
      "data.bin": "binary",
      "app.min.js": "minified",
      "big.txt": "too-large",
      "empty.md": "ok",
      "link.py": "ok",
      pipe: "not-regular-file",
    });
  });

  test("the reader refuses a file that became a symlink or a FIFO after discovery, with or without limits", () => {
    const root = tempDir();
    dirs.push(root);
    writeTree(root, { "target.py": "x = 1\n" });
    symlinkSync("target.py", join(root, "swapped.py"));
    Bun.spawnSync(["mkfifo", join(root, "fifo.py")]);
    const at = (name: string) => ({
      index: 0,
      path: name,
      absPath: join(root, name),
      language: "python",
      languageSource: "extension" as const,
      size: 6,
    });
    for (const limits of [{ maxFileSize: 1e6, skipMinified: true }, undefined]) {
      expect(readDiscovered(at("swapped.py"), limits)).toMatchObject({
        status: "skipped",
        reason: "symlink-not-followed",
      });
      expect(readDiscovered(at("fifo.py"), limits)).toMatchObject({ status: "skipped", reason: "not-regular-file" });
      expect(readDiscovered(at("gone.py"), limits)).toMatchObject({ status: "skipped", reason: "not-found" });
    }
  });

  const corpus = process.env.WEFT_CORPUS ? "/tmp/weft-corpus/src" : undefined;
  if (!corpus) console.warn("SKIPPED corpus discovery test: set WEFT_CORPUS=1 (needs /tmp/weft-corpus)");
  test.skipIf(!corpus)("on the real corpus: every regular file is accounted for, both ways agree", () => {
    expect(existsSync(corpus!)).toBe(true);
    const opts = options(corpus!, { hidden: true, ignoreFiles: false });
    const found = discover(opts);
    // An independent enumeration: find(1) lists every regular file.
    const all = Bun.spawnSync(["find", ".", "-type", "f"], { cwd: corpus! })
      .stdout.toString()
      .trim()
      .split("\n")
      .map((p) => p.slice(2))
      .sort();
    const accounted = [
      ...found.files.map((f) => f.path),
      ...found.skipped.filter((s) => s.reason !== "symlink-not-followed").map((s) => s.path),
    ].sort();
    expect(accounted).toEqual(all);
    const paths = found.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(new Set(paths).size).toBe(paths.length);
    expect(found.files.every((f, i) => f.index === i)).toBe(true);
    const { eager, deferred } = fates(opts);
    expect(deferred).toEqual(eager);
  });
});
