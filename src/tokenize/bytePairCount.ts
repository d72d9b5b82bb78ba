import { rankOf, type RankTable } from "./rankTable.ts";

/** Counts the BPE tokens of one pre-tokenizer piece. Holds scratch buffers: one per thread. */
export type PieceCounter = {
  /** Tokens in text[s, e), a whole piece, encoded as UTF-8 (a lone surrogate as U+FFFD). */
  countRange(text: string, s: number, e: number): number;
  /** Tokens in a whole piece given as a string. */
  countPiece(piece: string): number;
  /** Tokens in a piece given as UTF-8 bytes. */
  countBytes(bytes: Uint8Array): number;
};

const NONE = 0x7fffffff; // rank of a pair that is not a token (above every real rank)
/** Scratch buffers grow up to this many bytes and are kept; longer pieces get their own. */
const KEEP = 1 << 16;
/**
 * From this many bytes on, merges use a heap: O(n log n) instead of tiktoken's O(n^2) rescans,
 * which took ~1 s on a 40,000-byte piece (a long run of spaces or `=`). Shorter pieces, nearly
 * all of them, are faster with the plain scan.
 */
const HEAP_FROM = 128;

/**
 * A counter over a rank table with tiktoken's merge rule (`_byte_pair_merge`): a piece that is a
 * token is 1; otherwise repeatedly merge the adjacent pair of parts whose joined bytes have the
 * lowest rank (leftmost on ties) until no joined pair is a token; the count is the parts left.
 * Lookups hash byte ranges of one scratch buffer, so counting a short piece allocates nothing;
 * buffers grow to the longest piece seen, up to 64 KiB. `heapFrom` is for tests.
 */
export function pieceCounter(table: RankTable, heapFrom = HEAP_FROM): PieceCounter {
  let bytes = new Uint8Array(256);
  const starts = new Int32Array(heapFrom + 1); // starts[i]: first byte of part i
  const ranks = new Int32Array(heapFrom + 1); // ranks[i]: rank of parts i and i + 1 joined, or NONE
  let kept = heapArrays(0);
  /** heapMerge's arrays for an n-byte piece: the kept ones, grown up to KEEP, else fresh ones. */
  const heapScratch = (n: number): HeapArrays => {
    if (n <= kept.next.length) return kept;
    if (n > KEEP) return heapArrays(n);
    return (kept = heapArrays(Math.max(n, kept.next.length * 2)));
  };

  /** Rank of buf[s, e), NONE when it is not a token. */
  const rank = (buf: Uint8Array, s: number, e: number): number => {
    const r = rankOf(table, buf, s, e);
    return r < 0 ? NONE : r;
  };

  /** The plain scan, as tiktoken does it, for pieces of at most HEAP_FROM bytes. */
  const scanMerge = (buf: Uint8Array, n: number): number => {
    for (let i = 0; i <= n; i++) starts[i] = i;
    for (let i = 0; i < n - 1; i++) ranks[i] = rank(buf, i, i + 2);
    ranks[n - 1] = NONE;
    let parts = n;
    while (parts > 1) {
      let min = NONE;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if (ranks[i]! < min) {
          min = ranks[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      // Join parts at and at + 1: the pair at now spans up to the part after them, and so
      // does the pair before it.
      ranks[at] = at + 2 < parts ? rank(buf, starts[at]!, starts[at + 3]!) : NONE;
      if (at > 0) ranks[at - 1] = rank(buf, starts[at - 1]!, starts[at + 2]!);
      starts.copyWithin(at + 1, at + 2, parts + 1);
      ranks.copyWithin(at + 1, at + 2, parts);
      parts--;
    }
    return parts;
  };

  /**
   * The same merges in the same order, for long pieces: parts form a linked list keyed by their
   * first byte, and the pairs that are tokens sit in a binary heap ordered by (rank, position),
   * so the lowest rank, leftmost on ties, comes first as in the scan.
   */
  const heapMerge = (buf: Uint8Array, n: number): number => {
    const { next, prev, pairRank, slot, heap } = heapScratch(n);
    let size = 0;
    const less = (x: number, y: number) => pairRank[x]! < pairRank[y]! || (pairRank[x] === pairRank[y] && x < y);
    const place = (i: number, p: number) => {
      heap[i] = p;
      slot[p] = i;
    };
    const up = (i: number) => {
      const p = heap[i]!;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(p, heap[parent]!)) break;
        place(i, heap[parent]!);
        i = parent;
      }
      place(i, p);
    };
    const down = (i: number) => {
      const p = heap[i]!;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= size) break;
        if (c + 1 < size && less(heap[c + 1]!, heap[c]!)) c++;
        if (!less(heap[c]!, p)) break;
        place(i, heap[c]!);
        i = c;
      }
      place(i, p);
    };
    /** Sets the rank of the pair starting at part p, moving it in (or out of) the heap. */
    const setRank = (p: number, r: number) => {
      const i = slot[p]!;
      pairRank[p] = r;
      if (i < 0) {
        if (r === NONE) return;
        place(size++, p);
        up(size - 1);
      } else if (r === NONE) {
        slot[p] = -1;
        const last = heap[--size]!;
        if (last !== p) {
          place(i, last);
          up(i);
          down(slot[last]!);
        }
      } else {
        up(i);
        down(slot[p]!);
      }
    };
    for (let p = 0; p < n; p++) {
      next[p] = p + 1;
      prev[p] = p - 1;
      slot[p] = -1;
      pairRank[p] = NONE;
    }
    for (let p = 0; p < n - 1; p++) setRank(p, rank(buf, p, p + 2));
    let parts = n;
    while (size > 0) {
      const p = heap[0]!;
      const q = next[p]!; // joins into p
      const after = next[q]!;
      setRank(q, NONE);
      next[p] = after;
      if (after < n) prev[after] = p;
      setRank(p, after < n ? rank(buf, p, next[after]!) : NONE);
      const before = prev[p]!;
      if (before >= 0) setRank(before, rank(buf, before, after));
      parts--;
    }
    return parts;
  };

  const merge = (buf: Uint8Array, n: number): number => {
    if (n <= 1) return n;
    if (rankOf(table, buf, 0, n) >= 0) return 1;
    return n < heapFrom ? scanMerge(buf, n) : heapMerge(buf, n);
  };

  /** A byte buffer of at least n bytes: the kept scratch, grown up to KEEP, else a fresh one. */
  const bufferFor = (n: number): Uint8Array => {
    if (n <= bytes.length) return bytes;
    if (n > KEEP) return new Uint8Array(n);
    let size = bytes.length;
    while (size < n) size *= 2;
    return (bytes = new Uint8Array(size));
  };

  const countRange = (text: string, s: number, e: number): number => {
    const buf = bufferFor((e - s) * 3); // a UTF-16 unit is at most 3 UTF-8 bytes
    let n = 0;
    for (let i = s; i < e; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        buf[n++] = c;
      } else if (c < 0x800) {
        buf[n++] = 0xc0 | (c >> 6);
        buf[n++] = 0x80 | (c & 63);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < e ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[n++] = 0xf0 | (cp >> 18);
          buf[n++] = 0x80 | ((cp >> 12) & 63);
          buf[n++] = 0x80 | ((cp >> 6) & 63);
          buf[n++] = 0x80 | (cp & 63);
          i++;
        } else {
          // A lone surrogate has no UTF-8 form: U+FFFD, as TextEncoder (and tiktoken) write it.
          buf[n++] = 0xef;
          buf[n++] = 0xbf;
          buf[n++] = 0xbd;
        }
      } else {
        buf[n++] = 0xe0 | (c >> 12);
        buf[n++] = 0x80 | ((c >> 6) & 63);
        buf[n++] = 0x80 | (c & 63);
      }
    }
    return merge(buf, n);
  };

  return {
    countRange,
    countPiece: (piece) => countRange(piece, 0, piece.length),
    countBytes: (piece) => merge(piece, piece.length),
  };
}

/** Scratch for heapMerge, indexed by a part's first byte (heap: by heap position). */
type HeapArrays = { next: Int32Array; prev: Int32Array; pairRank: Int32Array; slot: Int32Array; heap: Int32Array };

function heapArrays(size: number): HeapArrays {
  return {
    next: new Int32Array(size),
    prev: new Int32Array(size),
    pairRank: new Int32Array(size),
    slot: new Int32Array(size),
    heap: new Int32Array(size),
  };
}
