import { expect, test } from "bun:test";
import { fileKey, keyOptions, runKey } from "../../src/cache/key.ts";
import type { ChunkOptions } from "../../src/model/chunkOptions.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";

const options: ChunkOptions = {
  discovery: {
    paths: ["."],
    listed: [],
    cwd: "/repo",
    ignoreFiles: true,
    hidden: false,
    follow: false,
    include: [],
    exclude: [],
    languages: [],
    map: {},
    maxFileSize: 10 * 1024 * 1024,
    skipMinified: true,
    checkContent: true,
  },
  governor: DEFAULT_GOVERNOR,
  format: "jsonl",
  executor: "auto",
  timeoutMs: 30_000,
  quiet: false,
};
const file: DiscoveredFile = {
  index: 0,
  path: "src/a.py",
  absPath: "/repo/src/a.py",
  language: "python",
  languageSource: "extension",
  size: 6,
};
const key = (o: ChunkOptions, f = file, digest = "d") => fileKey(runKey(o), f, digest);

test("every option that can change a file's records changes the key; an option added later is in it without a change here", () => {
  const changed: [string, ChunkOptions][] = [
    ["--max-tokens", { ...options, governor: { ...options.governor, maxTokens: 100 } }],
    ["--tokenizer", { ...options, governor: { ...options.governor, tokenizer: "cl100k" } }],
    ["--context", { ...options, governor: { ...options.governor, context: true } }],
    ["--overlap-lines", { ...options, governor: { ...options.governor, overlapLines: 2 } }],
    ["--map", { ...options, discovery: { ...options.discovery, map: { ".py": "text" } } }],
    ["--max-file-size", { ...options, discovery: { ...options.discovery, maxFileSize: 1024 } }],
    ["--no-skip-minified", { ...options, discovery: { ...options.discovery, skipMinified: false } }],
    ["a new top-level option", { ...options, newOption: 1 } as ChunkOptions],
    ["a new governor option", { ...options, governor: { ...options.governor, newOption: 1 } } as ChunkOptions],
    ["a new discovery option", { ...options, discovery: { ...options.discovery, newOption: 1 } } as ChunkOptions],
  ];
  // Every field of the governor is covered above, so a governor field added later fails this line.
  expect(Object.keys(options.governor).sort()).toEqual(["context", "maxTokens", "overlapLines", "tokenizer"]);
  for (const [name, o] of changed) expect({ name, same: key(o) === key(options) }).toEqual({ name, same: false });
});

test("options that only choose files or shape stderr, reports or the executor leave the key alone", () => {
  const same: [string, ChunkOptions][] = [
    ["--format json", { ...options, format: "json" }],
    ["--executor workers", { ...options, executor: "workers", workers: 2 }],
    ["--timeout", { ...options, timeoutMs: 5000 }],
    ["--quiet", { ...options, quiet: true }],
    ["--summary-json", { ...options, summaryJson: "s.json", skippedFile: "k.jsonl" }],
    ["--cache-max-size", { ...options, cache: { dir: "c", maxBytes: 1 } }],
    ["paths and cwd", { ...options, discovery: { ...options.discovery, paths: ["src"], cwd: "/elsewhere" } }],
    [
      "--include/--exclude/--lang",
      { ...options, discovery: { ...options.discovery, include: ["*.py"], exclude: ["x"], languages: ["python"] } },
    ],
    ["--shard", { ...options, discovery: { ...options.discovery, shard: { index: 1, count: 2 } } }],
  ];
  for (const [name, o] of same) expect({ name, same: key(o) === key(options) }).toEqual({ name, same: true });
  expect(Object.keys(keyOptions(options)).sort()).toEqual(["discovery", "governor"]);
});

test("the key names the content, the path as shown (bytes that are not UTF-8 included) and the language", () => {
  expect(key(options, file, "other")).not.toBe(key(options));
  expect(key(options, { ...file, path: "src/b.py" })).not.toBe(key(options));
  expect(key(options, { ...file, language: "text" })).not.toBe(key(options));
  expect(key(options, { ...file, path: "bad\udcff.py" })).not.toBe(key(options, { ...file, path: "bad\udcfe.py" }));
  expect(key(options, { ...file, absPath: "/other/src/a.py", index: 7, size: 9 })).toBe(key(options));
  expect(key(options)).toMatch(/^[0-9a-f]{32}$/);
});
