// A BPE encoding's mergeable ranks in a compact form: every token's bytes in one Uint8Array, in
// rank order, and an open-addressing hash table (typed arrays) from byte string to rank. A lookup
// hashes a byte range in place, so counting needs no strings, slices or Maps: ~4 MB for o200k,
// against ~60 MB for the same table held as JavaScript strings and Maps.

/**
 * The serialized form (src/tokenize/data/*.bin). The hash table is stored, not rebuilt, so loading
 * is reading a file and taking views of it (rebuilding cost 20-60 ms per worker at start-up).
 *   u32 "WBPE" | u32 version | u32 token count N | u32 total bytes B | u32 slot count S
 *   | i32 slots[S] | u8 length[N] | u8 bytes[B]
 * Little-endian, as on every platform Bun compiles for. Token r's bytes follow token r-1's; ranks
 * are 0..N-1 with no holes (o200k and cl100k have none). A slot holds rank + 1, 0 when empty.
 */
const MAGIC = 0x45504257; // "WBPE" read as a little-endian u32
const VERSION = 1;
const HEADER = 20;

/** A loaded rank table. Plain typed arrays: nothing to free, safe to keep per worker. */
export type RankTable = {
  /** Token r is bytes[offsets[r], offsets[r + 1]). */
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
  /** Hash slots holding rank + 1 (0 = empty); length is a power of two. */
  readonly slots: Int32Array;
  readonly mask: number;
};

/** Serializes tokens (index = rank) into the .bin form. Each token is 1..255 distinct bytes. */
export function encodeRankTable(tokens: readonly Uint8Array[]): Uint8Array {
  const n = tokens.length;
  const total = tokens.reduce((sum, t) => sum + t.length, 0);
  let size = 1;
  while (size < n * 2) size <<= 1; // load factor under 0.5 keeps probe runs short
  const out = new Uint8Array(HEADER + size * 4 + n + total);
  const view = new DataView(out.buffer);
  for (const [i, v] of [MAGIC, VERSION, n, total, size].entries()) view.setUint32(i * 4, v, true);
  const lengths = HEADER + size * 4;
  let at = lengths + n;
  tokens.forEach((t, r) => {
    if (t.length < 1 || t.length > 255) throw new Error(`rank ${r}: a token must be 1..255 bytes, not ${t.length}`);
    out[lengths + r] = t.length;
    out.set(t, at);
    at += t.length;
  });
  const table = decodeRankTable(out, false);
  const { slots, bytes, offsets, mask } = table;
  for (let r = 0; r < n; r++) {
    const s = offsets[r]!;
    const e = offsets[r + 1]!;
    // A repeated token would make its later rank unreachable.
    if (rankOf(table, bytes, s, e) >= 0) throw new Error(`rank ${r} repeats an earlier token`);
    let slot = hashBytes(bytes, s, e) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = r + 1;
  }
  return out;
}

/** The header's sizes; `end` is the length of a well-formed file. Throws on a bad magic or version. */
function layout(data: Uint8Array): { n: number; total: number; size: number; lengths: number; end: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < HEADER || view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) {
    throw new Error("not a weft BPE rank table (bad magic or version)");
  }
  const [n, total, size] = [8, 12, 16].map((at) => view.getUint32(at, true)) as [number, number, number];
  if ((size & (size - 1)) !== 0) throw new Error("BPE rank table: the slot count is not a power of two");
  const lengths = HEADER + size * 4;
  return { n, total, size, lengths, end: lengths + n + total };
}

/**
 * Views of a .bin file (its slots are used in place; only the offsets are computed). Throws on a
 * malformed file. `verify` checks that every token is found at its own rank (tests; ~30 ms).
 */
export function decodeRankTable(data: Uint8Array, verify = false): RankTable {
  const { n, total, size, lengths, end } = layout(data);
  if (data.length !== end) throw new Error("BPE rank table: sizes in the header do not match the file");
  // An Int32Array view needs a 4-aligned offset; copy in the rare case the file's buffer is not.
  const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
  const offsets = new Int32Array(n + 1);
  let at = 0;
  for (let r = 0; r < n; r++) {
    offsets[r] = at;
    at += aligned[lengths + r]!;
  }
  offsets[n] = at;
  if (at !== total) throw new Error(`BPE rank table: token lengths sum to ${at}, header says ${total}`);
  const table: RankTable = {
    offsets,
    bytes: aligned.subarray(lengths + n),
    slots: new Int32Array(aligned.buffer, aligned.byteOffset + HEADER, size),
    mask: size - 1,
  };
  if (verify) {
    for (let r = 0; r < n; r++) {
      if (rankOf(table, table.bytes, offsets[r]!, offsets[r + 1]!) !== r)
        throw new Error(`BPE rank table: token ${r} is not found at its rank`);
    }
  }
  return table;
}

/**
 * A table in shared memory: the .bin bytes, then (4-aligned) the token offsets, so that workers
 * use one copy by views, with nothing to decode (built once by the main thread, posted in `init`).
 */
export function shareRankTable(data: Uint8Array): SharedArrayBuffer {
  const { offsets } = decodeRankTable(data);
  const at = align4(data.length);
  const shared = new SharedArrayBuffer(at + offsets.byteLength);
  new Uint8Array(shared).set(data);
  new Int32Array(shared, at).set(offsets);
  return shared;
}

/**
 * Views of a table made by shareRankTable. A worker gets it from another thread, so the sizes are
 * checked and each offset against its token's length (o200k: 0.2 ms, against 4 ms to read and decode
 * its file; medians of 21); throws when malformed.
 */
export function sharedRankTableView(shared: SharedArrayBuffer): RankTable {
  const { n, total, size, lengths, end } = layout(new Uint8Array(shared));
  const at = align4(end);
  if (shared.byteLength !== at + (n + 1) * 4)
    throw new Error("shared BPE rank table: sizes in the header do not match the buffer");
  const data = new Uint8Array(shared, 0, end);
  const offsets = new Int32Array(shared, at, n + 1);
  let o = 0;
  for (let r = 0; r < n; r++) {
    if (offsets[r] !== o) throw new Error(`shared BPE rank table: offset of token ${r} is wrong`);
    o += data[lengths + r]!;
  }
  if (offsets[n] !== o || o !== total) throw new Error("shared BPE rank table: token lengths do not match the header");
  return { offsets, bytes: data.subarray(lengths + n), slots: new Int32Array(shared, HEADER, size), mask: size - 1 };
}

const align4 = (x: number) => (x + 3) & ~3;

/** FNV-1a over buf[s, e), with a final mix so the low bits (the slot) depend on every byte. */
function hashBytes(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h ^ (h >>> 16);
}

/** Rank of the token whose bytes are buf[s, e), or -1 when no token has those bytes. */
export function rankOf(table: RankTable, buf: Uint8Array, s: number, e: number): number {
  const { offsets, bytes, slots, mask } = table;
  const len = e - s;
  for (let slot = hashBytes(buf, s, e) & mask; ; slot = (slot + 1) & mask) {
    const r = slots[slot]! - 1;
    if (r < 0) return -1;
    const o = offsets[r]!;
    if (offsets[r + 1]! - o !== len) continue;
    let i = 0;
    while (i < len && bytes[o + i] === buf[s + i]) i++;
    if (i === len) return r;
  }
}
