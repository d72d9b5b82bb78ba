// File names are bytes; inside weft a path is a JS string in which each byte that is not part of
// valid UTF-8 is the lone surrogate U+DC00 + byte (U+DC80..U+DCFF), as Python's "surrogateescape"
// (PEP 383) does. The mapping is injective (names differing in one bad byte stay distinct), and
// JSON.stringify writes lone surrogates as "\udcff", so a path in JSON output names the exact bytes:
// Python's os.fsencode(record["path"]) returns them.

// ignoreBOM: a name may begin with U+FEFF, which must stay part of it.
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** The string for a file name's bytes: UTF-8, with each byte that is not part of valid UTF-8 as U+DC00 + byte. */
export function decodePath(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeEscaping(bytes);
  }
}

/** Runs of well-formed UTF-8 decoded as such; every other byte escaped alone, as Python does. */
function decodeEscaping(b: Uint8Array): string {
  let out = "";
  let run = 0;
  let i = 0;
  while (i < b.length) {
    if (b[i]! < 0x80) {
      i++;
      continue;
    }
    const n = sequenceLength(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += strict.decode(b.subarray(run, i)) + String.fromCharCode(0xdc00 + b[i]!);
    run = ++i;
  }
  return out + strict.decode(b.subarray(run));
}

/** Length of the well-formed multi-byte UTF-8 sequence at `i` (Unicode Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** True at `i` when the code unit there is an escaped byte (a lone U+DC80..U+DCFF, not the second half of a pair). */
function isEscape(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xdc80 || c > 0xdcff) return false;
  const before = i > 0 ? s.charCodeAt(i - 1) : 0;
  return before < 0xd800 || before > 0xdbff;
}

/** True when the path holds bytes that are not valid UTF-8 (escaped as U+DC80..U+DCFF). */
export function hasRawBytes(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isEscape(s, i)) return true;
  return false;
}

/** The bytes a path string stands for (the inverse of decodePath): UTF-8, escaped bytes as themselves. */
export function encodePath(s: string): Uint8Array {
  if (!hasRawBytes(s)) return encoder.encode(s);
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (!isEscape(s, i)) continue;
    for (const byte of encoder.encode(s.slice(start, i))) out.push(byte);
    out.push(s.charCodeAt(i) - 0xdc00);
    start = i + 1;
  }
  for (const byte of encoder.encode(s.slice(start))) out.push(byte);
  return Uint8Array.from(out);
}

/**
 * What to pass to node:fs for a path: the string itself when it is valid UTF-8 (the common case,
 * no copy), else a Buffer of its exact bytes (a string would be encoded with U+FFFD and name
 * another file, or none).
 */
export function fsPath(s: string): string | Buffer {
  return hasRawBytes(s) ? Buffer.from(encodePath(s)) : s;
}

const C_ESCAPES: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
  0x22: '\\"',
  0x5c: "\\\\",
};

/** Control characters (C0, DEL, C1), `"` and `\`: what makes a name need quotes. */
function needsEscape(c: number): boolean {
  return c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0x7f && c <= 0x9f);
}

const octal = (byte: number) => `\\${byte.toString(8).padStart(3, "0")}`;

/**
 * A path for human-readable output (stderr, `weft files`), quoted the way git quotes names
 * (core.quotePath): a name holding a control character, `"`, `\` or a byte that is not UTF-8 is
 * put in double quotes with C escapes (\n, \t, \", \\, ...) and \ooo octal for raw bytes and other
 * control characters; any other name, non-ASCII letters included, is printed as it is.
 */
export function quotePath(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) if (needsEscape(s.charCodeAt(i)) || isEscape(s, i)) plain = false;
  if (plain) return s;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isEscape(s, i)) out += octal(c - 0xdc00);
    else if (!needsEscape(c)) out += s[i];
    else if (C_ESCAPES[c]) out += C_ESCAPES[c];
    else if (c < 0x80) out += octal(c);
    else for (const byte of encoder.encode(s[i]!)) out += octal(byte); // C1 control: its UTF-8 bytes, as git shows them
  }
  return `${out}"`;
}
