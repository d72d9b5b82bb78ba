import type { TextIndex, Tokenizer } from "./contract.ts";
import { nextCodePoint, searchFit } from "./codePoints.ts";
import { utf8Length, utf8Width } from "./utf8Length.ts";

/** Prefix sums over UTF-16 positions: sizes[p] = size of text[0, p). */
function prefixIndex(text: string, prefix: Int32Array | undefined): TextIndex {
  const at = (p: number) => (prefix ? prefix[p]! : p);
  const count = (s: number, e: number) => at(e) - at(s);
  return {
    count,
    estimate: count,
    fitEnd(s, e, budget) {
      const m = searchFit(text, s, e, (x) => count(s, x) <= budget);
      return m > s ? m : nextCodePoint(text, s);
    },
    release() {}, // nothing pooled: the prefix array is the text's own
  };
}

/** `bytes`: UTF-8 bytes, as on disk. */
export function bytesTokenizer(): Tokenizer {
  return {
    id: "bytes",
    count: utf8Length,
    index(text) {
      let ascii = true;
      for (let i = 0; i < text.length; i++)
        if (text.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      if (ascii) return prefixIndex(text, undefined);
      const prefix = new Int32Array(text.length + 1);
      let n = 0;
      for (let i = 0; i < text.length; i++) {
        const w = utf8Width(text.charCodeAt(i));
        n += w;
        prefix[i + 1] = n;
        // A surrogate pair is 4 bytes: counted on the high half, 0 on the low half.
        if (w === 4 && i + 1 < text.length) prefix[++i + 1] = n;
      }
      return prefixIndex(text, prefix);
    },
  };
}

/** Whitespace as JavaScript's \s sees it (the cAST paper counts non-whitespace characters). */
const WS = /\s/;
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 32 || (c >= 9 && c <= 13);
  return WS.test(String.fromCharCode(c));
}

/** `chars`: non-whitespace code points. */
export function charsTokenizer(): Tokenizer {
  const count = (text: string) => {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xdc00 && c <= 0xdfff) continue; // low half of a pair: counted with its high half
      if (!isSpace(c)) n++;
    }
    return n;
  };
  return {
    id: "chars",
    count,
    index(text) {
      const prefix = new Int32Array(text.length + 1);
      let n = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (!(c >= 0xdc00 && c <= 0xdfff) && !isSpace(c)) n++;
        prefix[i + 1] = n;
      }
      return prefixIndex(text, prefix);
    },
  };
}
