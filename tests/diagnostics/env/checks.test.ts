import { afterAll, afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { envChecks } from "../../../diagnostics/env/checks.ts";
import { tempDirs } from "../tempDirs.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine
// (the preload's default timeout does not reach every file of a multi-file run).
setDefaultTimeout(120_000);

const saved = process.env.WEFT_CACHE_DIR;
const temp = tempDirs();
afterEach(() => {
  process.env.WEFT_CACHE_DIR = saved;
});
afterAll(temp.cleanup);

test("env checks pass here and report version, runtime, platform, cpus, cache and parsers", async () => {
  process.env.WEFT_CACHE_DIR = join(temp.make("weft-env-"), "cache");
  const checks = await envChecks();
  expect(checks.map((c) => c.id)).toEqual([
    "env.weft",
    "env.bun",
    "env.platform",
    "env.cpus",
    "env.cache",
    "env.chunk-cache",
    "env.open-no-links",
    "env.parsers",
    "env.tree-oracle",
  ]);
  expect(checks.filter((c) => c.status !== "pass")).toEqual([]);
  const detail = new Map(checks.map((c) => [c.id, c.detail]));
  expect(detail.get("env.weft")).toMatch(/^weft \d+\.\d+\.\d+, from source/);
  expect(detail.get("env.bun")).toStartWith(`Bun ${Bun.version}`);
  expect(detail.get("env.platform")).toStartWith(`${process.platform}-${process.arch}`);
  expect(detail.get("env.cache")).toBe(`${process.env.WEFT_CACHE_DIR} (private, writable)`);
  expect(detail.get("env.chunk-cache")).toBe(
    "entry round trip byte for byte; altered and truncated entries detected; private directory (others' access refused)",
  );
  expect(detail.get("env.parsers")).toMatch(
    /^(\d+) of \1 grammars load through the tree reader \(tree-sitter 0\.25\.1, grammar ABI 13-15\) and parse/,
  );
  expect(detail.get("env.tree-oracle")).toMatch(
    /^(\d+) grammars: the reader \(tree-sitter 0\.25\.1, ABI 13-15\) and @ast-grep\/napi agree on \d+ nodes of the samples$/,
  );
  expect(detail.get("env.open-no-links")).toBe(
    "files opened one directory at a time with openat and O_NOFOLLOW: a link as the file or above it is refused",
  );
});

test("a cache directory others can write to fails the cache check with the fix", async () => {
  const dir = join(temp.make("weft-env-"), "open");
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  process.env.WEFT_CACHE_DIR = dir;
  const cache = (await envChecks()).find((c) => c.id === "env.cache")!;
  expect(cache.status).toBe("fail");
  expect(cache.detail).toStartWith("parser cache unusable: ");
  expect(cache.detail).toMatch(/writable by group or others \(mode 777\).*chmod 700 /);
  expect(cache.detail).toContain(dir);
});
