// A file's bytes as text, and text positions back to bytes. The chunkers work on UTF-16 positions
// of the decoded text; the output speaks in bytes of the file on disk. For valid UTF-8 the two are
// tied by UTF-8 lengths; an invalid sequence is one U+FFFD in the text but 1-3 bytes on disk.
import type { Chunk, InvalidUtf8 } from "../model/chunk.ts";
import { utf8Width } from "../tokenize/utf8Length.ts";

/** A file decoded for chunking. */
export type DecodedFile = {
  /** The bytes decoded as UTF-8 (BOM kept), each invalid sequence as one U+FFFD. */
  text: string;
  bytes: Uint8Array;
  /**
   * The invalid sequences, as flat triples (UTF-16 position of the U+FFFD, first byte, end byte),
   * in order; empty when the file is valid UTF-8. Flat numbers, not objects: a legacy-encoded
   * file can have one per byte.
   */
  invalid: readonly number[];
};

// ignoreBOM keeps a BOM in the text, so UTF-16 positions map to the bytes on disk.
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
const NONE: readonly number[] = [];

/**
 * Decodes a file. Valid UTF-8 (nearly every file) costs one strict decode, as before invalid bytes
 * were handled; otherwise the text comes from the standard decoder with replacement and the
 * invalid sequences from a scan that follows the same rules, checked against that text.
 */
export function decodeFile(bytes: Uint8Array): DecodedFile {
  try {
    return { text: strict.decode(bytes), bytes, invalid: NONE };
  } catch {
    // Not valid UTF-8 (the only error the strict decoder raises on a Uint8Array).
  }
  const text = lenient.decode(bytes);
  const invalid = invalidSequences(bytes, text);
  return { text, bytes, invalid };
}

/**
 * The maximal invalid subparts of `bytes` (WHATWG "UTF-8 decode"; Unicode 3.9 "U+FFFD substitution
 * of maximal subparts"), each with the UTF-16 position of its U+FFFD in `text`. Throws when the
 * scan and the decoder's text disagree, so a mismatch can never shift byte offsets silently.
 */
function invalidSequences(bytes: Uint8Array, text: string): number[] {
  const out: number[] = [];
  const n = bytes.length;
  let at = 0;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      at++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else need = 0; // 80-C1, F5-FF never start a sequence
    let j = i + 1;
    for (let seen = 0; seen < need && j < n; seen++, j++) {
      const c = bytes[j]!;
      if (c < lo || c > hi) break;
      lo = 0x80;
      hi = 0xbf;
    }
    if (need > 0 && j - i === need + 1) {
      at += need === 3 ? 2 : 1;
    } else {
      // The byte that broke the sequence (if any) is not part of it: it starts the next one.
      if (text.charCodeAt(at) !== 0xfffd) throw new Error(`UTF-8 scan disagrees with the decoder at byte ${i}`);
      out.push(at, i, j);
      at++;
    }
    i = j;
  }
  if (at !== text.length) throw new Error(`UTF-8 scan found ${at} UTF-16 units, the decoder ${text.length}`);
  return out;
}

/** Positions of the decoded text mapped back to the file's bytes, for positions that never decrease. */
export type ByteMap = {
  /** The byte offset of UTF-16 position p. */
  offset(p: number): number;
  /** The invalid sequences whose U+FFFD lies in [s, e), as output records; undefined when none. */
  invalidIn(s: number, e: number): InvalidUtf8[] | undefined;
};

/** A forward-only ByteMap: all calls together cost one pass over the text. */
export function byteMap(file: DecodedFile): ByteMap {
  const { text, bytes, invalid } = file;
  // Equal lengths and nothing invalid: the text is ASCII, positions are offsets.
  const ascii = invalid.length === 0 && bytes.length === text.length;
  let pos = 0;
  let at = 0;
  let next = 0; // the first invalid triple not yet passed by `offset`
  let nextAt = invalid.length > 0 ? invalid[0]! : Infinity;
  let listed = 0; // the first invalid triple not yet returned by `invalidIn`
  return {
    offset(p) {
      if (ascii) return p;
      while (pos < p) {
        const stop = p < nextAt ? p : nextAt;
        for (; pos < stop; pos++) {
          const w = utf8Width(text.charCodeAt(pos));
          at += w;
          if (w === 4) pos++;
        }
        if (pos === nextAt && pos < p) {
          at += invalid[next + 2]! - invalid[next + 1]!;
          pos++;
          next += 3;
          nextAt = next < invalid.length ? invalid[next]! : Infinity;
        }
      }
      return at;
    },
    invalidIn(s, e) {
      while (listed < invalid.length && invalid[listed]! < s) listed += 3;
      let records: InvalidUtf8[] | undefined;
      for (; listed < invalid.length && invalid[listed]! < e; listed += 3) {
        const start = invalid[listed + 1]!;
        const end = invalid[listed + 2]!;
        (records ??= []).push({ byte_start: start, byte_end: end, hex: hex(bytes, start, end) });
      }
      return records;
    },
  };
}

function hex(bytes: Uint8Array, s: number, e: number): string {
  let h = "";
  for (let i = s; i < e; i++) h += bytes[i]!.toString(16).padStart(2, "0");
  return h;
}

const encoder = new TextEncoder();

/**
 * The exact bytes of a chunk, rebuilt from its record alone (what a consumer of the output can
 * do): `content` encoded as UTF-8, except that each U+FFFD listed in `invalid_utf8` is written as
 * its raw bytes. Throws when the record is inconsistent (an entry that is not at a U+FFFD).
 */
export function chunkBytes(chunk: Pick<Chunk, "content" | "byte_start" | "byte_end" | "invalid_utf8">): Uint8Array {
  const { content } = chunk;
  const invalid = chunk.invalid_utf8 ?? [];
  if (invalid.length === 0) return encoder.encode(content);
  const out = new Uint8Array(chunk.byte_end - chunk.byte_start);
  let from = 0; // UTF-16 start of the valid text not yet written
  let p = 0; // UTF-16 position reached
  let byte = chunk.byte_start; // its byte offset in the file
  let written = 0;
  const put = (s: string) => {
    const r = encoder.encodeInto(s, out.subarray(written));
    if (r.read !== s.length) throw new Error(`chunk content is longer than its byte range (${out.length} bytes)`);
    written += r.written;
  };
  for (const entry of invalid) {
    for (; byte < entry.byte_start && p < content.length; p++) {
      const w = utf8Width(content.charCodeAt(p));
      byte += w;
      if (w === 4) p++;
    }
    if (byte !== entry.byte_start || content.charCodeAt(p) !== 0xfffd)
      throw new Error(`invalid_utf8 entry at byte ${entry.byte_start} is not at a U+FFFD of the content`);
    put(content.slice(from, p));
    for (let k = 0; k < entry.hex.length; k += 2) out[written++] = Number.parseInt(entry.hex.slice(k, k + 2), 16);
    byte = entry.byte_end;
    from = ++p;
  }
  put(content.slice(from));
  if (written !== out.length) throw new Error(`chunk rebuilds to ${written} bytes, its range has ${out.length}`);
  return out;
}
