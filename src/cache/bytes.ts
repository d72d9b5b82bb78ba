import type { Chunk } from "../model/chunk.ts";

/**
 * The chunk's bytes as on disk, rebuilt from its record (docs/output.md, "Bytes that are not valid
 * UTF-8"): `content` encoded as UTF-8, except that at each `invalid_utf8` entry the U+FFFD there
 * (3 bytes encoded) is replaced by the entry's raw bytes. Before an entry the encoded bytes are
 * the file's bytes one for one, so the offsets line up.
 */
export function chunkBytes(chunk: Pick<Chunk, "content" | "byte_start" | "byte_end" | "invalid_utf8">): Uint8Array {
  const encoded = Buffer.from(chunk.content, "utf8");
  if (!chunk.invalid_utf8) return encoded;
  const out = new Uint8Array(chunk.byte_end - chunk.byte_start);
  let from = 0; // in `encoded`
  let at = 0; // in `out`
  for (const bad of chunk.invalid_utf8) {
    const valid = bad.byte_start - chunk.byte_start - at;
    out.set(encoded.subarray(from, from + valid), at);
    at += valid;
    from += valid + 3; // the U+FFFD that stands for the invalid bytes
    out.set(Buffer.from(bad.hex, "hex"), at);
    at += bad.byte_end - bad.byte_start;
  }
  out.set(encoded.subarray(from), at);
  return out;
}

/**
 * Whether the chunks tile `bytes` exactly: each one rebuilds its range, and the ranges run from 0 to
 * the end. One chunk's bytes at a time, so a big file costs no second copy of itself.
 */
export function chunksRebuild(chunks: readonly Chunk[], bytes: Uint8Array): boolean {
  let end = 0;
  for (const c of chunks) {
    if (c.byte_start !== end || c.byte_end > bytes.length) return false;
    if (!Buffer.from(chunkBytes(c)).equals(bytes.subarray(c.byte_start, c.byte_end))) return false;
    end = c.byte_end;
  }
  return end === bytes.length;
}
