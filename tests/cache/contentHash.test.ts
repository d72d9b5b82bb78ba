import { expect, test } from "bun:test";
import { chunkBytes, chunksRebuild } from "../../src/cache/bytes.ts";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import type { FileResult } from "../../src/model/result.ts";

const chunked = (path: string, language: string, bytes: Uint8Array, maxTokens = DEFAULT_GOVERNOR.maxTokens) => {
  const r = chunkFile(
    { index: 0, path, absPath: `/${path}`, language, languageSource: "extension", size: bytes.length },
    bytes,
    { ...DEFAULT_GOVERNOR, maxTokens },
  );
  if (r.status !== "chunked") throw new Error(r.status);
  return r.chunks;
};

test("content_hash is the sha256 of the chunk's bytes on disk (`printf 'x = 1\\n' | sha256sum`)", () => {
  const [chunk] = chunked("a.py", "python", new TextEncoder().encode("x = 1\n"));
  expect(chunk!.content_hash).toBe("9e26bf369911c45c243c684147b23fc9e1dcfcf257d299a1c632016a6fcd33f4");
});

test("content_hash depends on the content only: the same text at another path and offset has the same hash, the id differs", () => {
  const body = "def g():\n    return 2\n";
  const a = chunked("a.py", "python", new TextEncoder().encode(body));
  const b = chunked("moved/b.py", "python", new TextEncoder().encode(body));
  expect(a[0]!.content_hash).toBe(b[0]!.content_hash);
  expect(a[0]!.id).not.toBe(b[0]!.id);
});

test("invalid UTF-8: content_hash hashes the original bytes (Latin-1 '/* été */'), which the record rebuilds", () => {
  const latin1 = Uint8Array.from([0x2f, 0x2a, 0x20, 0xe9, 0x74, 0xe9, 0x20, 0x2a, 0x2f, 0x0a]);
  const [chunk] = chunked("legacy.c", "c", latin1);
  expect(chunk!.content).toBe("/* \uFFFDt\uFFFD */\n");
  // printf '/* \xe9t\xe9 */\n' | sha256sum
  expect(chunk!.content_hash).toBe("5a01e011230e64a220d52eb42bbc33930e04ba4a42d63d035b611dbae23f3897");
  expect(Buffer.from(chunkBytes(chunk!)).equals(Buffer.from(latin1))).toBe(true);
  // The same text with a real U+FFFD (EF BF BD) on disk decodes alike but hashes apart.
  const [real] = chunked("real.c", "c", new TextEncoder().encode("/* \uFFFDt\uFFFD */\n"));
  expect(real!.content).toBe(chunk!.content);
  expect(real!.content_hash).not.toBe(chunk!.content_hash);
});

test("the chunks of a file rebuild its bytes (invalid sequences of 1-3 bytes and a BOM included), a changed or missing byte fails the check, and each hash matches", () => {
  const parts = [
    Uint8Array.from([0xef, 0xbb, 0xbf]),
    new TextEncoder().encode("# 日本 🧵\nx = '"),
    Uint8Array.from([0xff, 0xe4, 0xb8, 0x41, 0xf0, 0x9f, 0x98]),
    new TextEncoder().encode("'\n".concat("def f():\n    return 1\n\n".repeat(40))),
  ];
  const bytes = Buffer.concat(parts);
  const chunks = chunked("mixed.py", "python", bytes, 16);
  expect(chunks.length).toBeGreaterThan(3);
  expect(chunksRebuild(chunks, bytes)).toBe(true);
  expect(chunksRebuild(chunks, bytes.subarray(0, bytes.length - 1))).toBe(false);
  const other = Buffer.from(bytes);
  other[other.length - 2]! ^= 1;
  expect(chunksRebuild(chunks, other)).toBe(false);
  expect(chunksRebuild(chunks.slice(1), bytes)).toBe(false);
  for (const c of chunks)
    expect(c.content_hash).toBe(
      new Bun.CryptoHasher("sha256").update(bytes.subarray(c.byte_start, c.byte_end)).digest("hex"),
    );
});
