/**
 * Token counts of pre-tokenizer pieces, keyed by the piece's characters and looked up by its
 * range in a text, so a hit costs a hash and a comparison but no substring. Open addressing over
 * typed arrays; cleared when full (counts stay exact, only speed is lost).
 */
export class PieceMemo {
  private bits = 16;
  private keys: (string | undefined)[] = new Array(1 << 16);
  private hashes = new Int32Array(1 << 16);
  private counts = new Int32Array(1 << 16);
  private size = 0;

  constructor(
    /** Tokens in text[s, e), a whole piece. */
    private readonly countPiece: (text: string, s: number, e: number) => number,
    private readonly maxEntries = 1 << 20,
    private readonly maxPiece = 64,
  ) {}

  // ASCII pieces of up to 14 characters (nearly all of them) are keyed by their characters packed
  // into exact numbers, with the count packed alongside so a lookup touches one cache line.
  // short: up to 7 characters, one slot (key * 8 + count, key = 1 sentinel + 7 bits a character:
  // at most 50 bits, so 53 with the count). mid: 8 to 14, two slots (the first 7 characters * 16
  // + count, then 1 sentinel + the rest). A count never exceeds the characters (one byte each).
  private shortBits = 16;
  private short = new Float64Array(1 << 16);
  private shortSize = 0;
  private front = new Float64Array(1 << FRONT_BITS);
  private midBits = 12;
  private mid = new Float64Array(2 << 12);
  private midSize = 0;

  /** Token count of text[s, e). */
  count(text: string, s: number, e: number): number {
    const len = e - s;
    if (len <= 14) {
      // Pack up to 7 characters; a non-ASCII one (key 0) sends the piece to the string table.
      let a = 1;
      const m = len <= 7 ? e : s + 7;
      for (let i = s; i < m; i++) {
        const c = text.charCodeAt(i);
        if (c >= 128) {
          a = 0;
          break;
        }
        a = a * 128 + c;
      }
      if (a !== 0) {
        if (len <= 7) return this.countShort(text, s, e, a);
        let b = 1;
        for (let i = m; i < e; i++) {
          const c = text.charCodeAt(i);
          if (c >= 128) {
            b = 0;
            break;
          }
          b = b * 128 + c;
        }
        // Without its sentinel, a is the first 7 characters (the sentinel is 2^49).
        if (b !== 0) return this.countMid(text, s, e, a - 562949953421312, b);
      }
    }
    if (len > this.maxPiece) return this.countPiece(text, s, e);
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    const mask = (1 << this.bits) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const key = this.keys[slot];
      if (key === undefined) break;
      if (this.hashes[slot] === h && key.length === len && text.startsWith(key, s)) return this.counts[slot]!;
    }
    const n = this.countPiece(text, s, e);
    this.insert(detachedSlice(text, s, e), h, n);
    return n;
  }

  private countShort(text: string, s: number, e: number, key: number): number {
    const shifted = key * 8;
    const h = mix(key, 0);
    const f = h >>> (32 - FRONT_BITS);
    const fv = this.front[f]! - shifted;
    if (fv >= 1 && fv <= 7) return fv;
    const mask = (1 << this.shortBits) - 1;
    for (let slot = h >>> (32 - this.shortBits); ; slot = (slot + 1) & mask) {
      const v = this.short[slot]!;
      if (v === 0) break;
      const n = v - shifted;
      if (n >= 1 && n <= 7) {
        this.front[f] = v;
        return n;
      }
    }
    const n = this.countPiece(text, s, e);
    if (this.shortSize >= this.maxEntries) {
      this.rebuild(16, false, false);
      this.shortSize = 0;
    } else if ((this.shortSize + 1) * 2 > 1 << this.shortBits) this.rebuild(this.shortBits + 1, false, true);
    this.put(this.short, this.shortBits, 1, slotOf(key, 0, this.shortBits), shifted + n, 0);
    this.shortSize++;
    return n;
  }

  private countMid(text: string, s: number, e: number, a: number, b: number): number {
    const shifted = a * 16;
    const mask = (1 << this.midBits) - 1;
    for (let slot = slotOf(a, b, this.midBits); ; slot = (slot + 1) & mask) {
      const w = this.mid[2 * slot + 1]!;
      if (w === 0) break;
      if (w === b) {
        const n = this.mid[2 * slot]! - shifted;
        if (n >= 1 && n <= 15) return n;
      }
    }
    const n = this.countPiece(text, s, e);
    if (this.midSize >= this.maxEntries) {
      this.rebuild(12, true, false);
      this.midSize = 0;
    } else if ((this.midSize + 1) * 2 > 1 << this.midBits) this.rebuild(this.midBits + 1, true, true);
    this.put(this.mid, this.midBits, 2, slotOf(a, b, this.midBits), shifted + n, b);
    this.midSize++;
    return n;
  }

  /** Puts an entry (first word x, second word y when stride 2) at the first free slot from slot. */
  private put(table: Float64Array, bits: number, stride: number, slot: number, x: number, y: number): void {
    const mask = (1 << bits) - 1;
    while (table[stride * slot + stride - 1] !== 0) slot = (slot + 1) & mask;
    table[stride * slot] = x;
    if (stride === 2) table[stride * slot + 1] = y;
  }

  /** Replaces the short or mid table by an empty one of 2^bits slots, or one holding the old entries. */
  private rebuild(bits: number, isMid: boolean, keep: boolean): void {
    const stride = isMid ? 2 : 1;
    const old = isMid ? this.mid : this.short;
    const table = new Float64Array(stride << bits);
    if (keep) {
      for (let i = 0; i < old.length; i += stride) {
        const x = old[i]!;
        if (x === 0) continue;
        // Recover the key from the packed word: the count is below 8 (short) or 16 (mid).
        const y = isMid ? old[i + 1]! : 0;
        const key = isMid ? Math.floor(x / 16) : Math.floor(x / 8);
        this.put(table, bits, stride, slotOf(key, y, bits), x, y);
      }
    }
    if (isMid) {
      this.mid = table;
      this.midBits = bits;
    } else {
      this.short = table;
      this.shortBits = bits;
    }
  }

  private insert(key: string, h: number, n: number): void {
    if (this.size >= this.maxEntries) this.reset(16);
    else if ((this.size + 1) * 2 > 1 << this.bits) this.grow();
    const mask = (1 << this.bits) - 1;
    let slot = h & mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & mask;
    this.keys[slot] = key;
    this.hashes[slot] = h;
    this.counts[slot] = n;
    this.size++;
  }

  private grow(): void {
    const { keys, hashes, counts } = this;
    this.reset(this.bits + 1);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) this.insert(key, hashes[i]!, counts[i]!);
    }
  }

  private reset(bits: number): void {
    this.bits = bits;
    this.keys = new Array(1 << bits);
    this.hashes = new Int32Array(1 << bits);
    this.counts = new Int32Array(1 << bits);
    this.size = 0;
  }
}

/**
 * The front cache of short pieces is direct-mapped, 2^16 slots (512 KB, within L2): at 2^12 the
 * corpus's hits fell through to the big table more often (index time, warm memo, medians of 5
 * interleaved: 1.14 -> 1.03 s of CPU).
 */
const FRONT_BITS = 16;

/** Slot of a packed key (a, b exact integers below 2^53) in a table of 2^bits slots. */
function slotOf(a: number, b: number, bits: number): number {
  // Multiplicative hashing: the high bits of the product depend on every input bit.
  return mix(a, b) >>> (32 - bits);
}

function mix(a: number, b: number): number {
  const lo = (a | 0) ^ Math.imul(b | 0, 0x27d4eb2d);
  const hi = ((a * 2.3283064365386963e-10) | 0) ^ ((b * 2.3283064365386963e-10) | 0);
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
}

const units: number[] = [];

/**
 * text[s, e) as a string of its own. A JavaScriptCore slice (or a concatenation resolved from one)
 * keeps its whole base string alive, so a memo key made by `slice` held the entire text of the file
 * it came from for as long as the memo lived: each worker kept every file that added a key (up to
 * 1M keys), and its memory crept with the files it had chunked. Measured (Bun 1.4.4): 200 texts of
 * 1.2 MB, one 30-character slice of each kept, 248 MB still live after a full GC; copied through
 * String.fromCharCode, 1.4 MB. Runs only on a memo miss, for pieces of at most `maxPiece` characters.
 */
export function detachedSlice(text: string, s: number, e: number): string {
  units.length = e - s;
  for (let i = s; i < e; i++) units[i - s] = text.charCodeAt(i);
  return String.fromCharCode.apply(null, units);
}
