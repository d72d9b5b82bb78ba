// weft's own BPE counter against gpt-tokenizer (the oracle, a devDependency) and against the rank
// data it was generated from. Corpus part opt-in on WEFT_CORPUS, skipped with a message otherwise.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { countTokens as cl100kCount } from "gpt-tokenizer/encoding/cl100k_base";
import { countTokens as o200kCount } from "gpt-tokenizer/encoding/o200k_base";
import { PATTERNS } from "../../src/tokenize/bpe.ts";
import { pieceCounter } from "../../src/tokenize/bytePairCount.ts";
import { loadPieceCounter, type BpeEncodingId } from "../../src/tokenize/encodings.ts";
import { rankTableFile, rankTokens } from "../../src/tokenize/data/generate.ts";
import { decodeRankTable, encodeRankTable, rankOf } from "../../src/tokenize/rankTable.ts";
import { seededRandom } from "../random.ts";
import { tokenizerFor } from "../../src/tokenize/tokenizer.ts";

const IDS = ["o200k", "cl100k"] as const;
const plain = { disallowedSpecial: new Set<string>() }; // special-token text as plain text
const ORACLE: Record<BpeEncodingId, (text: string) => number> = {
  o200k: (text) => o200kCount(text, plain),
  cl100k: (text) => cl100kCount(text, plain),
};
const DATA = join(import.meta.dir, "../../src/tokenize/data");

/** The encoding's pre-tokenizer pieces of a text. */
const piecesOf = (id: BpeEncodingId, text: string): string[] =>
  [...text.matchAll(new RegExp(PATTERNS[id], "gu"))].map((m) => m[0]);

/**
 * gpt-tokenizer decodes candidate byte ranges with a TextDecoder that drops a leading BOM, so it
 * never finds the tokens that start with U+FEFF (o200k has 9, cl100k 8) and counts pieces holding
 * one differently from tiktoken. weft follows tiktoken there (checked separately below).
 */
const hasBom = (piece: string) => piece.includes("\ufeff");

// Deterministic pseudo-random text, from an alphabet mixing every UTF-8 length.
function randomText(seed: number, length: number): string {
  const alphabet = [..."aZ_0 \t\n\r'/=.(漢字テ한국é€😀👩‍👧ा्\u0301"];
  const rnd = seededRandom(seed);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rnd() * alphabet.length)];
  return out;
}

const FIXTURES = [
  "def parse(self, text: str) -> int:\n    return len(text)  # it's fine\n",
  "HTTPServer XMLHttpRequest getHTTPResponseCode __init__ a_b_c ABC abc Abc aBC I'LL we've",
  "naïve café — 漢字テキスト 한국어 텍스트 Ünïcode ελληνικά русский текст العربية हिन्दी",
  "emoji 😀😀😀 👩‍👩‍👧 🇺🇸🇫🇷 ✔️ 🏳️‍🌈",
  "<|endoftext|> <|fim_prefix|><|fim_middle|><|fim_suffix|> <|endofprompt|>",
  "    \n\n\t\t  \r\n\r\n        \u00a0\u3000 x",
  "=".repeat(300) + "\n" + "-*".repeat(200) + "/".repeat(50),
  " ".repeat(2000) + "y" + "\t".repeat(100),
  "漢".repeat(700) + "字テキスト".repeat(100),
  "aB3".repeat(400) + "0123456789".repeat(30),
  "lone \ud800 high, lone \udc00 low, reversed \udc00\ud800, end \ud83d",
  "\u0000\u0001\u001f\u007f\u0080\u00ff\u07ff\u0800\uffff\ufffd",
  randomText(1, 3000),
  randomText(2, 3000),
];

describe("rank tables", () => {
  for (const id of IDS) {
    test(`${id}.bin is what the generator makes from gpt-tokenizer's ranks, and every token is found at its rank`, async () => {
      const committed = new Uint8Array(readFileSync(join(DATA, `${id}.bin`)));
      const fresh = await rankTableFile(id);
      // Not toEqual on 4 MB: a mismatch would print both arrays.
      expect(committed.length).toBe(fresh.length);
      expect(Buffer.compare(committed, fresh)).toBe(0);
      const table = decodeRankTable(committed, true);
      const tokens = await rankTokens(id);
      expect(table.offsets.length).toBe(tokens.length + 1);
      const probe = tokens[tokens.length - 1]!;
      expect(rankOf(table, probe, 0, probe.length)).toBe(tokens.length - 1);
    });
  }

  test("lookups: absent byte strings are -1, ranges of a larger buffer are found in place", () => {
    const table = decodeRankTable(
      encodeRankTable([[104], [105], [104, 105], [0xff, 0xfe]].map((b) => Uint8Array.from(b))),
    );
    const buf = Uint8Array.from([0, 104, 105, 0xff, 0xfe, 7]);
    expect([
      rankOf(table, buf, 1, 2),
      rankOf(table, buf, 2, 3),
      rankOf(table, buf, 1, 3),
      rankOf(table, buf, 3, 5),
    ]).toEqual([0, 1, 2, 3]);
    expect([rankOf(table, buf, 0, 1), rankOf(table, buf, 1, 4), rankOf(table, buf, 5, 6)]).toEqual([-1, -1, -1]);
  });

  test("malformed tables and token lists are refused", () => {
    const good = encodeRankTable([Uint8Array.of(1), Uint8Array.of(2, 3)]);
    expect(() => decodeRankTable(good.subarray(0, good.length - 1))).toThrow("sizes in the header");
    const bad = good.slice();
    bad[0] = 0;
    expect(() => decodeRankTable(bad)).toThrow("bad magic");
    expect(() => encodeRankTable([Uint8Array.of(1), Uint8Array.of(1)])).toThrow("rank 1 repeats");
    expect(() => encodeRankTable([new Uint8Array(0)])).toThrow("1..255 bytes");
    // An unaligned copy of the file still loads (Int32Array views need 4-aligned offsets).
    const shifted = new Uint8Array(good.length + 1);
    shifted.set(good, 1);
    expect(decodeRankTable(shifted.subarray(1), true).offsets.length).toBe(3);
  });
});

describe("piece counts equal gpt-tokenizer's", () => {
  for (const id of IDS) {
    test(`${id}: every piece of the fixtures, as a string and as UTF-8 bytes`, () => {
      const counter = loadPieceCounter(id);
      const utf8 = new TextEncoder();
      let pieces = 0;
      for (const text of FIXTURES) {
        for (const piece of piecesOf(id, text)) {
          const expected = ORACLE[id](piece);
          expect({ piece, n: counter.countPiece(piece) }).toEqual({ piece, n: expected });
          expect({ piece, n: counter.countBytes(utf8.encode(piece)) }).toEqual({ piece, n: expected });
          pieces++;
        }
      }
      expect(pieces).toBeGreaterThan(1000);
    });

    test(`${id}: whole texts through the tokenizer (memoized pieces, ranges of a longer text)`, () => {
      const tk = tokenizerFor(id);
      for (const text of FIXTURES)
        expect({ text: text.slice(0, 40), n: tk.count(text) }).toEqual({
          text: text.slice(0, 40),
          n: ORACLE[id](text),
        });
      const counter = loadPieceCounter(id);
      const text = FIXTURES.join("|");
      let at = 0;
      for (const piece of piecesOf(id, text)) {
        at = text.indexOf(piece, at);
        expect(counter.countRange(text, at, at + piece.length)).toBe(ORACLE[id](piece));
        at += piece.length;
      }
    });

    test(`${id}: a piece with a BOM counts as tiktoken counts it (gpt-tokenizer never finds BOM tokens)`, async () => {
      const counter = loadPieceCounter(id);
      // Both encodings have "\ufeffusing" (a C# file's first word) as one token.
      expect(counter.countPiece("\ufeffusing")).toBe(1);
      expect(counter.countPiece("\ufeff")).toBe(1);
      const tokens = await rankTokens(id);
      const bom = tokens.filter((t) => t[0] === 0xef && t[1] === 0xbb && t[2] === 0xbf);
      expect(bom.length).toBeGreaterThan(5);
      for (const t of bom) expect(counter.countBytes(t)).toBe(1);
    });
  }

  for (const id of IDS) {
    test(`${id}: the heap merge (long pieces) gives the scan's counts, on every fixture piece and on long ones`, async () => {
      const table = decodeRankTable(await rankTableFile(id));
      const heapOnly = pieceCounter(table, 2);
      const scanOnly = pieceCounter(table, 1 << 16);
      for (const text of FIXTURES) {
        for (const piece of piecesOf(id, text))
          expect({ piece, n: heapOnly.countPiece(piece) }).toEqual({ piece, n: ORACLE[id](piece) });
      }
      const counter = loadPieceCounter(id);
      for (const piece of [
        "=".repeat(6_000),
        " ".repeat(6_000),
        "漢字".repeat(3_000),
        "ab".repeat(3_000),
        randomText(3, 6_000).replace(/[^a-z]/g, "q"),
      ]) {
        const n = scanOnly.countPiece(piece);
        expect(counter.countPiece(piece)).toBe(n);
        expect(n).toBe(ORACLE[id](piece));
      }
    });
  }

  test("scratch buffers grow for long pieces and counts stay right after shorter ones", () => {
    const counter = loadPieceCounter("o200k");
    const long = "ab".repeat(11_000); // may need 66,000 bytes: above what the scratch keeps, so counted in its own buffers
    const n = counter.countPiece(long);
    expect(n).toBe(pieceCounter(decodeRankTable(readFileSync(join(DATA, "o200k.bin"))), 1 << 17).countPiece(long)); // the scan
    expect(counter.countPiece(" x")).toBe(1);
    expect(counter.countPiece(long)).toBe(n);
    expect(counter.countPiece("")).toBe(0);
  });

  test("a counter over a hand-made table merges lowest rank first, leftmost on ties", () => {
    // Ranks: a b c | ab bc | abc. "abc" is a token: 1. "abcabc": pairs ab(3) bc(4) ca(-) ab bc;
    // merge leftmost ab, then the next ab, then no pair joins to a token: ab|c|ab|c -> abc|abc.
    const t = (s: string) => new TextEncoder().encode(s);
    const counter = pieceCounter(decodeRankTable(encodeRankTable(["a", "b", "c", "ab", "bc", "abc"].map(t))));
    expect(counter.countPiece("abc")).toBe(1);
    expect(counter.countPiece("abcabc")).toBe(2);
    expect(counter.countPiece("bca")).toBe(2); // bc|a
    expect(counter.countPiece("cab")).toBe(2); // c|ab
    expect(counter.countPiece("aab")).toBe(2); // a|ab
  });
});

const env = process.env.WEFT_CORPUS;
const ROOT = env && env !== "1" && env !== "true" ? env : "/tmp/weft-corpus";
const SRC = `${ROOT}/src`;
const corpus = env !== undefined && existsSync(SRC);
if (!corpus) console.warn(`tokenize corpus tests SKIPPED: set WEFT_CORPUS=1 (corpus at ${SRC})`);

describe("on the real corpus (WEFT_CORPUS)", () => {
  // Every other file of each language plus all pathological ones (~35 MB): each distinct piece and each file's total.
  const texts = corpus
    ? [...new Bun.Glob("**/*").scanSync({ cwd: SRC, onlyFiles: true })]
        .sort()
        .filter((p, i) => i % 2 === 0 || p.startsWith("pathological/"))
        .map((p) => ({ path: p, text: readFileSync(`${SRC}/${p}`, "utf8") }))
    : [];
  for (const id of IDS) {
    test.skipIf(!corpus)(
      `${id}: every distinct piece and every file total equal gpt-tokenizer's`,
      () => {
        const counter = loadPieceCounter(id);
        const tk = tokenizerFor(id);
        const seen = new Set<string>();
        let nonAscii = 0;
        for (const { path, text } of texts) {
          for (const piece of piecesOf(id, text)) {
            if (seen.has(piece) || hasBom(piece)) continue;
            seen.add(piece);
            if (/[^\x00-\x7f]/.test(piece)) nonAscii++;
            const n = counter.countPiece(piece);
            const expected = ORACLE[id](piece);
            if (n !== expected)
              throw new Error(`${path}: piece ${JSON.stringify(piece)} counts ${n}, gpt-tokenizer ${expected}`);
          }
          if (!text.includes("\ufeff")) expect({ path, n: tk.count(text) }).toEqual({ path, n: ORACLE[id](text) });
        }
        expect(texts.length).toBeGreaterThan(500);
        expect(seen.size).toBeGreaterThan(50_000);
        expect(nonAscii).toBeGreaterThan(100);
      },
      120_000,
    );
  }
});
