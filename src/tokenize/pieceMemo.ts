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

  // Short pieces (most of them) are keyed by their characters packed into one exact number.
  private shortBits = 16;
  private shortKeys = new Float64Array(1 << 16);
  private shortCounts = new Int32Array(1 << 16);
  private shortSize = 0;

  /** Token count of text[s, e). */
  count(text: string, s: number, e: number): number {
    const len = e - s;
    if (len <= 7) {
      // 1 sentinel + 7 chars of 7 bits = 50 bits: exact in a double. Only ASCII packs this way.
      let key = 1;
      for (let i = s; i < e; i++) {
        const c = text.charCodeAt(i);
        if (c >= 128) { key = 0; break; }
        key = key * 128 + c;
      }
      if (key !== 0) return this.countShort(text, s, e, key);
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
    this.insert(text.slice(s, e), h, n);
    return n;
  }

  private countShort(text: string, s: number, e: number, key: number): number {
    const mask = (1 << this.shortBits) - 1;
    let slot = (Math.imul(key | 0, 0x9e3779b1) ^ ((key / 4294967296) | 0)) & mask;
    for (;;) {
      const k = this.shortKeys[slot]!;
      if (k === key) return this.shortCounts[slot]!;
      if (k === 0) break;
      slot = (slot + 1) & mask;
    }
    const n = this.countPiece(text, s, e);
    if (this.shortSize >= this.maxEntries) this.resetShort(16);
    else if ((this.shortSize + 1) * 2 > 1 << this.shortBits) {
      const keys = this.shortKeys;
      const counts = this.shortCounts;
      this.resetShort(this.shortBits + 1);
      for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.putShort(keys[i]!, counts[i]!);
    }
    this.putShort(key, n);
    return n;
  }

  private resetShort(bits: number): void {
    this.shortBits = bits;
    this.shortKeys = new Float64Array(1 << bits);
    this.shortCounts = new Int32Array(1 << bits);
    this.shortSize = 0;
  }

  private putShort(key: number, n: number): void {
    const mask = (1 << this.shortBits) - 1;
    let slot = (Math.imul(key | 0, 0x9e3779b1) ^ ((key / 4294967296) | 0)) & mask;
    while (this.shortKeys[slot] !== 0) slot = (slot + 1) & mask;
    this.shortKeys[slot] = key;
    this.shortCounts[slot] = n;
    this.shortSize++;
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
