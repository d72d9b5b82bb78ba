// The o200k pre-tokenizer for ASCII text, written out by hand: the regex in bpe.ts gives the same
// pieces (tests/tokenize checks this on the corpus) but costs several times more, and most code
// is ASCII. Non-ASCII text goes through the regex.

const UPPER = 1;
const LOWER = 2;
const DIGIT = 4;
const SPACE = 8; // JavaScript \s within ASCII: \t \n \v \f \r and space
const NEWLINE = 16; // \r \n
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c >= 65 && c <= 90) CLASS[c] = UPPER;
  else if (c >= 97 && c <= 122) CLASS[c] = LOWER;
  else if (c >= 48 && c <= 57) CLASS[c] = DIGIT;
  else if (c === 32 || (c >= 9 && c <= 13)) CLASS[c] = SPACE | (c === 10 || c === 13 ? NEWLINE : 0);
}

/** True when the text has no character above U+007F. */
export function isAscii(text: string): boolean {
  return !/[^\x00-\x7f]/.test(text);
}

/**
 * End of the o200k piece starting at i in an ASCII text of length n. Mirrors, in order:
 * [^\r\n\p{L}\p{N}]?[upper]*[lower]+'x? | [^\r\n\p{L}\p{N}]?[upper]+[lower]*'x? | \p{N}{1,3} |
 *  ?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+
 */
export function o200kPieceEnd(text: string, i: number, n: number): number {
  const c = text.charCodeAt(i);
  const k = CLASS[c]!;
  if (k & (UPPER | LOWER)) return letters(text, i, n);
  if (k & DIGIT) {
    let j = i + 1;
    while (j < n && j < i + 3 && CLASS[text.charCodeAt(j)]! & DIGIT) j++;
    return j;
  }
  const next = i + 1 < n ? CLASS[text.charCodeAt(i + 1)]! : -1;
  // Any character but a letter, digit, \r or \n may lead a word.
  if (!(k & NEWLINE) && next !== -1 && next & (UPPER | LOWER)) return letters(text, i + 1, n);
  if (!(k & SPACE) || (c === 32 && next !== -1 && !(next & (UPPER | LOWER | DIGIT | SPACE)))) {
    // Punctuation run, optionally led by one space, then any \r \n /.
    let j = k & SPACE ? i + 1 : i;
    while (j < n && !(CLASS[text.charCodeAt(j)]! & (UPPER | LOWER | DIGIT | SPACE))) j++;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 10 || d === 13 || d === 47) j++;
      else break;
    }
    return j;
  }
  // Whitespace run [i, w).
  let w = i + 1;
  let lastNewline = k & NEWLINE ? i : -1;
  while (w < n) {
    const d = CLASS[text.charCodeAt(w)]!;
    if (!(d & SPACE)) break;
    if (d & NEWLINE) lastNewline = w;
    w++;
  }
  if (lastNewline >= 0) return lastNewline + 1;
  if (w === n) return n;
  return w - i >= 2 ? w - 1 : i + 1;
}

function letters(text: string, i: number, n: number): number {
  let j = i;
  while (j < n && CLASS[text.charCodeAt(j)]! & UPPER) j++;
  while (j < n && CLASS[text.charCodeAt(j)]! & LOWER) j++;
  // Optional contraction: 's 'd 'm 't 'll 've 're, any case.
  if (j + 1 < n && text.charCodeAt(j) === 39) {
    const a = text.charCodeAt(j + 1) | 32;
    if (a === 115 || a === 100 || a === 109 || a === 116) return j + 2;
    if (j + 2 < n) {
      const b = text.charCodeAt(j + 2) | 32;
      if ((a === 108 && b === 108) || (a === 118 && b === 101) || (a === 114 && b === 101)) return j + 3;
    }
  }
  return j;
}

const NON_ASCII = /[^\x00-\x7f]/g;

/**
 * The o200k pieces of any text: the ASCII scanner wherever its answer cannot depend on a
 * non-ASCII character, the regex (given, flags "gu") only near those. Source files that are not
 * pure ASCII are nearly all ASCII (a name or a comment in another script), so this is most of the
 * scanner's speed on them. Call reset(text), then next(p) from each piece boundary p in order.
 */
export class O200kPieces {
  private text = "";
  /** First non-ASCII position at or after the last p looked up (text.length when none). */
  private u = -1;
  /**
   * u moved back over ASCII whitespace before it: a scanned piece ending 3 or more before v was
   * decided by ASCII characters alone (a letter piece looks at most 2 past its end; a whitespace
   * run that reached u would have to cross the non-space at v - 1). Past the last non-ASCII
   * character v is beyond the end, so every scanned piece stands.
   */
  private v = 0;

  constructor(private readonly regex: RegExp) {}

  /** Starts on a new text. */
  reset(text: string): void {
    this.text = text;
    this.u = -1;
    this.v = 0;
  }

  /** End of the piece starting at p, a piece boundary before the end of the text. */
  next(p: number): number {
    const text = this.text;
    if (p > this.u) {
      NON_ASCII.lastIndex = p;
      const u = NON_ASCII.test(text) ? NON_ASCII.lastIndex - 1 : text.length;
      let v = u === text.length ? u + 3 : u;
      while (v > p && v <= u && CLASS[text.charCodeAt(v - 1)]! & SPACE) v--;
      this.u = u;
      this.v = v;
    }
    if (p + 4 <= this.v) {
      const e = o200kPieceEnd(text, p, this.u);
      if (e + 3 <= this.v) return e;
    }
    const re = this.regex;
    re.lastIndex = p;
    // Every position starts a match, so this one starts at p.
    return re.test(text) ? re.lastIndex : text.length;
  }
}
