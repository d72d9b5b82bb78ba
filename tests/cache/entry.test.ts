import { expect, test } from "bun:test";
import { cachedResult, decodeEntry, encodeEntry, toJsonl } from "../../src/cache/entry.ts";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import type { FileResult } from "../../src/model/result.ts";

const bytes = new TextEncoder().encode("def f(x):\n    return x + 1\n\n\nclass A:\n    pass\n");
const file = {
  index: 3,
  path: "a.py",
  absPath: "/a.py",
  language: "python",
  languageSource: "extension",
  size: bytes.length,
} as const;
const result = chunkFile(file, bytes, { ...DEFAULT_GOVERNOR, maxTokens: 16 }) as Extract<
  FileResult,
  { status: "chunked" }
>;
const KEY = "0123456789abcdef0123456789abcdef";

test("an entry gives back the exact JSON Lines records, and the result they came from", () => {
  expect(result.chunks.length).toBeGreaterThan(1);
  const jsonl = toJsonl(result);
  const entry = decodeEntry(Buffer.concat(encodeEntry(KEY, result, jsonl)), KEY, 3);
  if ("corrupt" in entry) throw new Error(entry.corrupt);
  expect(Buffer.from(entry.jsonl).toString()).toBe(jsonl);
  expect({ ...entry, jsonl: undefined }).toEqual({
    index: 3,
    path: "a.py",
    strategy: result.strategy,
    reason: result.reason,
    chunkCount: result.chunks.length,
    invalidUtf8: false,
    jsonl: undefined,
  });
  expect(cachedResult(entry)).toEqual(result);
});

test("a truncated, altered, foreign or empty entry is detected, never decoded", () => {
  const good = Buffer.concat(encodeEntry(KEY, result, toJsonl(result)));
  const flipped = Uint8Array.from(good);
  flipped[good.length - 10]! ^= 1; // one bit inside a record
  const bad = (b: Uint8Array, key = KEY) => {
    const e = decodeEntry(b, key, 0);
    return "corrupt" in e ? e.corrupt : "decoded";
  };
  expect(bad(good.subarray(0, good.length - 1))).toMatch(/truncated/);
  expect(bad(flipped)).toBe("checksum mismatch");
  expect(bad(good, "f".repeat(32))).toBe("entry of another key");
  expect(bad(new Uint8Array())).toBe("no entry header");
  expect(bad(new TextEncoder().encode("garbage\n"))).toBe("no entry header");
});
