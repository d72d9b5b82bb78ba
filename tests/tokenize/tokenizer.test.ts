import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { countTokens as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { countTokens as o200k } from "gpt-tokenizer/encoding/o200k_base";
import { isAscii, O200kPieces, o200kPieceEnd } from "../../src/tokenize/o200kAscii.ts";
import { PATTERNS } from "../../src/tokenize/bpe.ts";
import { insidePair } from "../../src/tokenize/codePoints.ts";
import { tokenizerFor } from "../../src/tokenize/tokenizer.ts";

const plain = { disallowedSpecial: new Set<string>() };
const SAMPLES = [
  "",
  "def parse(self, text: str) -> int:\n    return len(text)  # it's fine\n",
  "    \n\n\t\tx = 12345678 + 0.5e-3; y = 'DON'T' \"we'll\"\r\n",
  "naïve café — 漢字テキスト 👩‍👩‍👧 emoji 😀😀 and Ünïcode identifiers\n",
  "<|endoftext|> is plain text here; so is <|fim_prefix|>.",
  "HTTPServer XMLHttpRequest getHTTPResponseCode __init__ a_b_c ABC abc Abc aBC\n",
  "//////// ******** ======== ((((foo)))) [1,2,3] {a:b}\n\n\n   \n",
  " ".repeat(50) + "x" + "\n".repeat(7) + "\t \t",
];

describe("BPE tokenizers count exactly as gpt-tokenizer", () => {
  for (const [id, reference] of [
    ["o200k", o200k],
    ["cl100k", cl100k],
  ] as const) {
    test(id, () => {
      const tk = tokenizerFor(id);
      for (const s of SAMPLES) expect({ s, n: tk.count(s) }).toEqual({ s, n: reference(s, plain) });
    });
  }
});

describe("chars and bytes", () => {
  test("chars counts non-whitespace code points; bytes counts UTF-8", () => {
    expect(tokenizerFor("chars").count("a b\tc\n😀 漢")).toBe(5);
    expect(tokenizerFor("bytes").count("a😀漢é")).toBe(1 + 4 + 3 + 2);
  });
});

describe("text index", () => {
  const text = SAMPLES.join("");
  for (const id of ["o200k", "cl100k", "chars", "bytes"] as const) {
    test(`${id}: every range counts as its slice; fitEnd fits and never splits a pair`, () => {
      const tk = tokenizerFor(id);
      const index = tk.index(text);
      for (let s = 0; s < text.length; s += 7) {
        for (let e = s; e <= text.length; e += 13) {
          if (insidePair(text, s) || insidePair(text, e)) continue;
          expect({ s, e, n: index.count(s, e) }).toEqual({ s, e, n: tk.count(text.slice(s, e)) });
        }
        if (insidePair(text, s)) continue;
        for (const budget of [1, 5, 16]) {
          const m = index.fitEnd(s, text.length, budget);
          expect(m).toBeGreaterThan(s);
          expect(insidePair(text, m)).toBe(false);
          if (m - s > 2) expect(tk.count(text.slice(s, m))).toBeLessThanOrEqual(budget);
        }
      }
    });
  }
});

describe("index arrays lent until release()", () => {
  const a = SAMPLES.join("");
  const b = SAMPLES.slice().reverse().join("") + "x = 1\n".repeat(50);
  test("two live indexes stay exact; after release the next index reuses the arrays and the old one throws", () => {
    const tk = tokenizerFor("o200k");
    const first = tk.index(a);
    const second = tk.index(b); // allocated anew: first still holds the scratch
    expect(first.count(0, a.length)).toBe(o200k(a, plain));
    expect(second.count(0, b.length)).toBe(o200k(b, plain));
    first.release();
    second.release();
    const third = tk.index(a); // reuses a released array, written over
    expect(third.count(0, a.length)).toBe(o200k(a, plain));
    expect(third.count(3, 40)).toBe(o200k(a.slice(3, 40), plain));
    expect(() => first.count(0, 5)).toThrow("token index used after release()");
    expect(() => second.estimate(0, 5)).toThrow("token index used after release()");
    expect(() => second.fitEnd(0, 5, 1)).toThrow("token index used after release()");
    third.release();
  });
});

describe("o200k ranges that cut pieces in ASCII text (counted by rescanning only their edges)", () => {
  // Code-like ASCII with runs of spaces, newlines, punctuation, digits and contractions: the
  // places where a cut can change how the neighbouring text splits.
  const text = `${SAMPLES.filter(isAscii).join("")}\n    def f(x):  \n\n\t  return x+1  # it's   \r\n  }}}) == 12345 'LL\n  \n${"a = [1, 2,   3]\n".repeat(20)}`;
  test("every range counts as its slice", () => {
    const tk = tokenizerFor("o200k");
    const index = tk.index(text);
    let checked = 0;
    for (let s = 0; s < text.length; s += 3) {
      for (let e = s; e <= Math.min(text.length, s + 700); e += 5) {
        expect({ s, e, n: index.count(s, e) }).toEqual({ s, e, n: tk.count(text.slice(s, e)) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });
});

describe("o200k ASCII scanner", () => {
  const CONTRACTION = String.raw`'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])`;
  const REGEX = new RegExp(
    String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:${CONTRACTION})?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:${CONTRACTION})?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
    "gu",
  );
  const ends = (text: string, scanner: boolean) => {
    const out: number[] = [];
    if (scanner) for (let i = 0; i < text.length;) out.push((i = o200kPieceEnd(text, i, text.length)));
    else for (const m of text.matchAll(REGEX)) out.push(m.index + m[0].length);
    return out;
  };
  test("same pieces as the o200k regex on ASCII samples, including every pair of ASCII characters", () => {
    const ascii = SAMPLES.filter(isAscii);
    let pairs = "";
    for (let a = 0; a < 128; a += 1) for (const b of " \t\n\r\x0bAaZz09_'(/.") pairs += String.fromCharCode(a) + b;
    for (const s of [...ascii, pairs, `${pairs}'s 'LL 've 'D x'y`]) expect(ends(s, true)).toEqual(ends(s, false));
  });
  const corpus = process.env.WEFT_CORPUS ? "/tmp/weft-corpus/src" : undefined;
  test.skipIf(!corpus || !existsSync(corpus))(
    "same pieces as the regex on every ASCII corpus file (WEFT_CORPUS)",
    () => {
      let files = 0;
      for (const path of new Bun.Glob("**/*").scanSync({ cwd: corpus!, onlyFiles: true })) {
        const text = readFileSync(`${corpus}/${path}`, "latin1");
        if (!isAscii(text)) continue;
        files++;
        const a = ends(text, true);
        const b = ends(text, false);
        if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`${path}: scanner and regex differ`);
      }
      expect(files).toBeGreaterThan(1000);
    },
    300_000,
  );
});

describe("o200k pieces of text with a few non-ASCII characters (scanner, regex near them)", () => {
  const regexEnds = (text: string) =>
    [...text.matchAll(new RegExp(PATTERNS.o200k, "gu"))].map((m) => m.index + m[0].length);
  const hybridEnds = (text: string) => {
    const pieces = new O200kPieces(new RegExp(PATTERNS.o200k, "gu"));
    pieces.reset(text);
    const out: number[] = [];
    for (let p = 0; p < text.length;) out.push((p = pieces.next(p)));
    return out;
  };
  test("same pieces as the regex with a non-ASCII character after every ASCII context", () => {
    // Letters, contractions, digits, punctuation and whitespace runs (with and without newlines)
    // just before a non-ASCII letter, mark, space, newline-like or symbol.
    const contexts = [
      "abc",
      "ABC",
      "aB",
      "x'",
      "x's",
      "it'l",
      "12",
      "1234",
      "(",
      " (",
      "//",
      "a\n",
      "  ",
      " \n  ",
      "\n\n   ",
      "\t",
      "x  ",
      "x\n ",
      "'",
    ];
    const others = ["é", "É", "\u0301", "\u00a0", "\u2028", "\u3000", "—", "漢", "😀", "\ud800"];
    let text = "";
    for (const c of contexts)
      for (const o of others) for (const after of ["", "x", " y", "\n", "9"]) text += `${c}${o}${after} `;
    expect(hybridEnds(text)).toEqual(regexEnds(text));
    for (const s of SAMPLES) expect(hybridEnds(s)).toEqual(regexEnds(s));
  });
});

describe("o200k pieces of 8 to 14 ASCII characters (memoized by two packed numbers)", () => {
  test("pieces that share their first 7 characters, or their last ones, keep their own counts", () => {
    const tk = tokenizerFor("o200k");
    const words = [
      "abcdefgh",
      "abcdefgz",
      "abcdefghijklmn",
      "abcdefghijklmz",
      "zbcdefghijklmn",
      "qwertyuiopasdf",
      "qwertyuiopasdq",
      "internationals",
      "international",
      "internationalz",
      "Xinternational",
      "function",
      "functionq",
      "functional",
      "functionsqzq",
      "returnValue",
      "returnVxqzjk",
    ];
    for (let r = 0; r < 2; r++) for (const w of words) expect({ w, n: tk.count(w) }).toEqual({ w, n: o200k(w, plain) });
    const text = words.join(" ");
    expect(tk.index(text).count(0, text.length)).toBe(o200k(text, plain));
  });
});
