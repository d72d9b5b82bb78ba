import { beforeAll, describe, expect, test } from "bun:test";
import { byteMap, chunkBytes, decodeFile } from "../../src/chunkers/utf8.ts";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import type { Chunk } from "../../src/model/chunk.ts";
import type { Governor, TokenizerId } from "../../src/model/governor.ts";
import type { Strategy } from "../../src/model/selection.ts";
import { seededRandom } from "../random.ts";
import { fileOf, gov, problems } from "./check.ts";

beforeAll(() => void loadParsers(["python", "typescript"]));

/** Bytes from text parts (UTF-8) and byte arrays. */
const cat = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p)] : p)));
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

function chunksOf(path: string, language: string, bytes: Uint8Array, governor: Governor, force?: Strategy): Chunk[] {
  const r = chunkFile(fileOf(path, language, bytes.length), bytes, governor, force);
  if (r.status !== "chunked") throw new Error(`${path}: ${JSON.stringify(r)}`);
  expect(problems(bytes, r.chunks, governor)).toEqual([]);
  return r.chunks;
}
/** The fields that say where a chunk is and what it holds. */
const where = (c: Chunk) => ({
  byte_start: c.byte_start,
  byte_end: c.byte_end,
  line_start: c.line_start,
  line_end: c.line_end,
  content: c.content,
  invalid_utf8: c.invalid_utf8,
});

describe("decodeFile", () => {
  test("valid UTF-8 (BOM, emoji, CJK, a U+FFFD written as EF BF BD): nothing listed, BOM kept", () => {
    const bytes = cat("\uFEFFa 😀 漢字 \uFFFD\r\n");
    const d = decodeFile(bytes);
    expect(d.invalid).toEqual([]);
    expect(d.text).toBe("\uFEFFa 😀 漢字 \uFFFD\r\n");
  });

  // [bytes, flat triples: UTF-16 position of the U+FFFD, first byte, end byte]
  const cases: [string, number[], number[]][] = [
    ["a lone 0xff", [0x61, 0xff, 0x62], [1, 1, 2]],
    ["a lone continuation byte, twice", [0x80, 0xbf], [0, 0, 1, 1, 1, 2]],
    ["a 3-byte sequence cut by the end of the file", [0x61, 0xe4, 0xb8], [1, 1, 3]],
    ["a 4-byte sequence cut by the end of the file", [0xf0, 0x9f, 0x98], [0, 0, 3]],
    ["a 3-byte sequence cut by an ASCII byte, which stays", [0xe4, 0xb8, 0x41], [0, 0, 2]],
    ["an overlong 2-byte encoding of '/' (C0 AF)", [0xc0, 0xaf], [0, 0, 1, 1, 1, 2]],
    ["an overlong 3-byte encoding of '/' (E0 80 AF)", [0xe0, 0x80, 0xaf], [0, 0, 1, 1, 1, 2, 2, 2, 3]],
    ["a UTF-16 surrogate encoded in UTF-8 (ED A0 80)", [0xed, 0xa0, 0x80], [0, 0, 1, 1, 1, 2, 2, 2, 3]],
    ["a code point above U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80], [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4]],
    ["bytes that never start a sequence (F5, FF)", [0xf5, 0x41, 0xff], [0, 0, 1, 2, 2, 3]],
    [
      "an emoji after an invalid byte (a surrogate pair: 2 UTF-16 units)",
      [0xff, 0xf0, 0x9f, 0x98, 0x80, 0xfe],
      [0, 0, 1, 3, 5, 6],
    ],
  ];
  for (const [name, bytes, triples] of cases) {
    test(name, () => {
      const b = new Uint8Array(bytes);
      const d = decodeFile(b);
      expect(d.text).toBe(lenient.decode(b));
      expect(d.invalid).toEqual(triples);
      for (let k = 0; k < triples.length; k += 3) expect(d.text.charCodeAt(triples[k]!)).toBe(0xfffd);
    });
  }
});

describe("byteMap", () => {
  // a | ff | é (2 bytes) | e4 b8 | 😀 (4 bytes, 2 units) | f0 9f 98 (cut 4-byte sequence)
  const file = decodeFile(cat("a", [0xff], "é", [0xe4, 0xb8], "😀", [0xf0, 0x9f, 0x98]));

  test("maps each UTF-16 position to the byte offset on disk: an invalid sequence counts its own length", () => {
    expect(file.text).toBe("a\uFFFDé\uFFFD😀\uFFFD");
    const map = byteMap(file);
    expect([0, 1, 2, 3, 4, 6, 7].map((p) => map.offset(p))).toEqual([0, 1, 2, 4, 6, 10, 13]);
  });

  test("lists the invalid sequences of a range as output records", () => {
    const map = byteMap(file);
    expect(map.invalidIn(0, 1)).toBeUndefined();
    expect(map.invalidIn(1, 4)).toEqual([
      { byte_start: 1, byte_end: 2, hex: "ff" },
      { byte_start: 4, byte_end: 6, hex: "e4b8" },
    ]);
    expect(map.invalidIn(4, 7)).toEqual([{ byte_start: 10, byte_end: 13, hex: "f09f98" }]);
  });
});

describe("chunkBytes", () => {
  const record = (content: string, byte_start: number, byte_end: number, invalid_utf8?: Chunk["invalid_utf8"]) => ({
    content,
    byte_start,
    byte_end,
    invalid_utf8,
  });

  test("rebuilds the exact bytes, telling a listed U+FFFD from one written as EF BF BD", () => {
    const bytes = cat("\uFFFD", [0xff], "é", [0xe4, 0xb8], "\n");
    const c = record("\uFFFD\uFFFDé\uFFFD\n", 100, 100 + bytes.length, [
      { byte_start: 103, byte_end: 104, hex: "ff" },
      { byte_start: 106, byte_end: 108, hex: "e4b8" },
    ]);
    expect([...chunkBytes(c)]).toEqual([...bytes]);
    expect([...chunkBytes(record("é", 0, 2))]).toEqual([0xc3, 0xa9]);
  });

  test("refuses a record that does not add up", () => {
    expect(() => chunkBytes(record("ab", 0, 2, [{ byte_start: 1, byte_end: 2, hex: "ff" }]))).toThrow(
      "not at a U+FFFD",
    );
    expect(() => chunkBytes(record("a\uFFFDbc", 0, 3, [{ byte_start: 1, byte_end: 2, hex: "ff" }]))).toThrow(
      "longer than its byte range",
    );
    expect(() => chunkBytes(record("a\uFFFD", 0, 4, [{ byte_start: 1, byte_end: 2, hex: "ff" }]))).toThrow(
      "rebuilds to 2 bytes, its range has 4",
    );
  });
});

describe("chunkFile on files that are not valid UTF-8", () => {
  test("a lone 0xff: chunked, the content shows U+FFFD, the chunk lists the byte", () => {
    const [c, ...rest] = chunksOf("a.txt", "text", cat("a", [0xff], "b"), gov());
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      byte_start: 0,
      byte_end: 3,
      line_start: 1,
      line_end: 1,
      content: "a\uFFFDb",
      invalid_utf8: [{ byte_start: 1, byte_end: 2, hex: "ff" }],
    });
  });

  test("a 3-byte sequence cut by the end of the file (python)", () => {
    const cs = chunksOf("x.py", "python", cat("x = 1\n", [0xe4, 0xb8]), gov());
    expect(cs.map(where)).toEqual([
      {
        byte_start: 0,
        byte_end: 8,
        line_start: 1,
        line_end: 2,
        content: "x = 1\n\uFFFD",
        invalid_utf8: [{ byte_start: 6, byte_end: 8, hex: "e4b8" }],
      },
    ]);
    expect(cs[0]!.strategy).toBe("semantic");
  });

  test("an overlong encoding and an encoded surrogate: one U+FFFD per byte, as the decoder makes them", () => {
    const cs = chunksOf("s.py", "python", cat('s = "', [0xc0, 0xaf], '" + "', [0xed, 0xa0, 0x80], '"\n'), gov());
    expect(cs.map(where)).toEqual([
      {
        byte_start: 0,
        byte_end: 17,
        line_start: 1,
        line_end: 1,
        content: 's = "\uFFFD\uFFFD" + "\uFFFD\uFFFD\uFFFD"\n',
        invalid_utf8: [
          { byte_start: 5, byte_end: 6, hex: "c0" },
          { byte_start: 6, byte_end: 7, hex: "af" },
          { byte_start: 12, byte_end: 13, hex: "ed" },
          { byte_start: 13, byte_end: 14, hex: "a0" },
          { byte_start: 14, byte_end: 15, hex: "80" },
        ],
      },
    ]);
  });

  test("invalid bytes next to CRLF: exact bytes and lines; a chunk without invalid bytes has no invalid_utf8 key", () => {
    const cs = chunksOf("a.txt", "text", cat("a", [0xff], "\r\n", [0xfe], "\r\nb\r\nok\r\n"), gov(2, "chars"));
    expect(cs.map(where)).toEqual([
      {
        byte_start: 0,
        byte_end: 4,
        line_start: 1,
        line_end: 1,
        content: "a\uFFFD\r\n",
        invalid_utf8: [{ byte_start: 1, byte_end: 2, hex: "ff" }],
      },
      {
        byte_start: 4,
        byte_end: 10,
        line_start: 2,
        line_end: 3,
        content: "\uFFFD\r\nb\r\n",
        invalid_utf8: [{ byte_start: 4, byte_end: 5, hex: "fe" }],
      },
      { byte_start: 10, byte_end: 14, line_start: 4, line_end: 4, content: "ok\r\n", invalid_utf8: undefined },
    ]);
    expect("invalid_utf8" in cs[2]!).toBe(false);
  });

  test("BOM, emoji, CJK and invalid bytes together, under every tokenizer", () => {
    const bytes = cat(
      "\uFEFF# 漢字 ",
      [0xff],
      " 😀\r\ndef naïve_😀():\r\n    return '",
      [0xe6, 0x97],
      "日本語'\r\n\r\n\r\nclass Ünïcode:\r\n    x = '",
      [0xf0, 0x9f, 0x91],
      "👩‍👧'\r\n",
    );
    for (const t of ["o200k", "cl100k", "chars", "bytes"] as const) {
      const cs = chunksOf("u.py", "python", bytes, gov(16, t));
      expect(cs.length).toBeGreaterThan(1);
      expect(cs[0]!.content.startsWith("\uFEFF# 漢字")).toBe(true);
      expect(cs.flatMap((c) => c.invalid_utf8 ?? [])).toEqual([
        { byte_start: 12, byte_end: 13, hex: "ff" },
        { byte_start: 52, byte_end: 54, hex: "e697" },
        { byte_start: 97, byte_end: 100, hex: "f09f91" },
      ]);
    }
  });

  test("a Latin-1 file", () => {
    const cs = chunksOf("notes.txt", "text", Buffer.from("café\nnaïve\n", "latin1"), gov());
    expect(cs.map(where)).toEqual([
      {
        byte_start: 0,
        byte_end: 11,
        line_start: 1,
        line_end: 2,
        content: "caf\uFFFD\nna\uFFFDve\n",
        invalid_utf8: [
          { byte_start: 3, byte_end: 4, hex: "e9" },
          { byte_start: 7, byte_end: 8, hex: "ef" },
        ],
      },
    ]);
  });

  test("invalid bytes in a line too long for the budget: cut between sequences, never inside one", () => {
    // Each repetition: "ab", ff, e4 b8 (a cut 3-byte sequence), " " = 5 UTF-16 units, 6 bytes.
    const bytes = cat(...Array.from({ length: 500 }, () => cat("ab", [0xff, 0xe4, 0xb8], " ")).map((b) => [...b]));
    for (const t of ["o200k", "bytes"] as TokenizerId[]) {
      const cs = chunksOf("long.txt", "text", bytes, gov(32, t));
      expect(cs.length).toBeGreaterThan(10);
      expect(cs.every((c) => c.line_start === 1 && c.line_end === 1 && c.partial)).toBe(true);
      const entries = cs.flatMap((c) => c.invalid_utf8 ?? []);
      expect(entries).toHaveLength(1000);
      expect(entries.filter((e) => e.hex === "e4b8")).toHaveLength(500);
      // Each entry lies inside its own chunk's range.
      for (const c of cs)
        for (const e of c.invalid_utf8 ?? [])
          expect(e.byte_start >= c.byte_start && e.byte_end <= c.byte_end).toBe(true);
    }
  });

  test("ASCII and single invalid bytes (as many bytes as UTF-16 units): each U+FFFD still counts 3 bytes of content", () => {
    // A line is 7 bytes on disk and 7 UTF-16 units, but 17 bytes of content: over a budget of 10.
    const bytes = cat(...Array.from({ length: 20 }, () => [...Buffer.from("a\xff\xff\xff\xff\xff\n", "latin1")]));
    const cs = chunksOf("ab.txt", "text", bytes, gov(10, "bytes"));
    expect(cs.every((c) => c.tokens <= 10 && new TextEncoder().encode(c.content).length === c.tokens)).toBe(true);
    expect(cs.length).toBeGreaterThanOrEqual(40);
  });

  test("a long string literal with Latin-1 bytes in a grammar language (python) is cut and stays exact", () => {
    const bytes = cat(
      'x = "',
      ...Array.from({ length: 400 }, () => [...Buffer.from("caf\xe9 word ", "latin1")]),
      '"\ny = 1\n',
    );
    const cs = chunksOf("long.py", "python", bytes, gov(64));
    expect(cs[0]!.strategy).toBe("semantic");
    expect(cs.length).toBeGreaterThan(5);
    expect(cs.flatMap((c) => c.invalid_utf8 ?? []).map((e) => e.hex)).toEqual(Array(400).fill("e9"));
    expect(cs.at(-1)!.content).toEndWith('"\ny = 1\n');
  });

  test("a delimiter language (perl): blocks and symbols as for valid text", () => {
    const cs = chunksOf(
      "m.pl",
      "perl",
      cat('sub f {\n  my $s = "caf', [0xe9], '";\n}\n\nsub g {\n  return "', [0xff], '";\n}\n'),
      gov(16),
    );
    expect(cs.map((c) => [c.strategy, c.symbols])).toEqual([
      ["delimiter", ["f"]],
      ["delimiter", ["g"]],
    ]);
    expect(cs.map(where)).toEqual([
      {
        byte_start: 0,
        byte_end: 29,
        line_start: 1,
        line_end: 4,
        content: 'sub f {\n  my $s = "caf\uFFFD";\n}\n\n',
        invalid_utf8: [{ byte_start: 22, byte_end: 23, hex: "e9" }],
      },
      {
        byte_start: 29,
        byte_end: 53,
        line_start: 5,
        line_end: 7,
        content: 'sub g {\n  return "\uFFFD";\n}\n',
        invalid_utf8: [{ byte_start: 47, byte_end: 48, hex: "ff" }],
      },
    ]);
  });

  test("--overlap-lines on a Latin-1 file: decoded the same way, core ranges and invalid_utf8 unchanged", () => {
    const bytes = Buffer.from("caf\xe9 = 1\r\nna\xefve = 2\r\nx = 3\r\n", "latin1");
    const plain = chunksOf("l.py", "python", bytes, gov(7, "chars"));
    const extra = chunksOf("l.py", "python", bytes, gov(7, "chars", { overlapLines: 1 }));
    expect(plain.map((c) => [c.byte_start, c.byte_end])).toEqual([
      [0, 10],
      [10, 21],
      [21, 28],
    ]);
    expect(extra.map((c) => [c.byte_start, c.byte_end, c.id, c.invalid_utf8])).toEqual(
      plain.map((c) => [c.byte_start, c.byte_end, c.id, c.invalid_utf8]),
    );
    expect(extra.map((c) => c.overlap_before)).toEqual([undefined, "caf\uFFFD = 1\r\n", "na\uFFFDve = 2\r\n"]);
  });

  test("a valid file's chunks have no invalid_utf8 key at all", () => {
    const cs = chunksOf("v.py", "python", cat("def f():\n    return '\uFFFD 😀'\n"), gov());
    expect(cs.every((c) => !("invalid_utf8" in c))).toBe(true);
  });
});

/** Pieces random files are made of: code-like text, line ends, valid multi-byte characters and every kind of invalid sequence. */
const PIECES: number[][] = [
  ...'def f(x):\n    return x + 1\n|class A:\n    pass\n|if (a) { b(); }\n|  |\t|\n|\r\n|word |= |"s"|# c\n'
    .split("|")
    .map((s) => [...Buffer.from(s)]),
  ...["é", "漢字", "😀", "\uFEFF", "\uFFFD", "\u2028"].map((s) => [...Buffer.from(s)]),
  [0xff],
  [0xfe],
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xc3],
  [0xe4, 0xb8],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x9f, 0x98],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5],
  [0xe9],
];

describe("property: random byte files", () => {
  test("tiling, content = bytes decoded with replacement, invalid_utf8 exactly the invalid bytes, for every strategy and tokenizer", () => {
    const tokenizers: TokenizerId[] = ["o200k", "cl100k", "chars", "bytes"];
    const forced: (Strategy | undefined)[] = [undefined, "delimiter", "text"];
    let withInvalid = 0;
    for (let seed = 1; seed <= 240; seed++) {
      const rnd = seededRandom(seed); // so a failing file can be regenerated from its seed
      const parts: number[] = [];
      const n = Math.floor(rnd() * 120);
      // Half the files are mostly text with a few bad bytes, half mostly bad bytes.
      const bad = rnd() < 0.5 ? 0.1 : 0.6;
      for (let i = 0; i < n; i++) {
        const pick = rnd() < bad ? 18 + Math.floor(rnd() * (PIECES.length - 18)) : Math.floor(rnd() * 18);
        parts.push(...(rnd() < 0.05 ? [Math.floor(rnd() * 256)] : PIECES[pick]!));
      }
      const bytes = new Uint8Array(parts);
      const [language, path] =
        seed % 3 === 0 ? ["python", "r.py"] : seed % 3 === 1 ? ["perl", "r.pl"] : ["text", "r.txt"];
      const governor = gov(4 + Math.floor(rnd() * 60), tokenizers[seed % 4]!);
      const r = chunkFile(fileOf(path, language, bytes.length), bytes, governor, forced[Math.floor(seed / 4) % 3]);
      if (r.status !== "chunked") throw new Error(`seed ${seed}: ${JSON.stringify(r)}`);
      const found = problems(bytes, r.chunks, governor);
      expect({ seed, problems: found }).toEqual({ seed, problems: [] });
      // The property as a consumer would state it, on every chunk.
      for (const c of r.chunks) expect(lenient.decode(bytes.subarray(c.byte_start, c.byte_end))).toBe(c.content);
      if (r.chunks.some((c) => c.invalid_utf8)) withInvalid++;
    }
    // The generator does produce invalid files (most of them).
    expect(withInvalid).toBeGreaterThan(150);
  });
});
