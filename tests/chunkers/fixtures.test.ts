import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import type { Chunk } from "../../src/model/chunk.ts";
import type { Governor } from "../../src/model/governor.ts";
import type { FileResult } from "../../src/model/result.ts";
import { expectSound, fileOf, gov } from "./check.ts";

// The 10 MB files take several seconds on a busy machine; the preload's timeout only reaches the first file of a run.
setDefaultTimeout(120_000);

const FIXTURES = join(import.meta.dir, "../fixtures/engine");
const enc = new TextEncoder();

function run(path: string, language: string, bytes: Uint8Array, governor: Governor): FileResult {
  return chunkFile(fileOf(path, language, bytes.length), bytes, governor);
}
function chunksOf(path: string, language: string, bytes: Uint8Array, governor: Governor): Chunk[] {
  const r = run(path, language, bytes, governor);
  if (r.status !== "chunked") throw new Error(`${path}: ${JSON.stringify(r)}`);
  expectSound(bytes, r.chunks, governor);
  return r.chunks;
}
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const lines = (cs: Chunk[]) => cs.map((c) => [c.line_start, c.line_end]);

describe("semantic chunker on fixtures", () => {
  test("Python: definitions whole, comments and decorators with them, class head with its body", () => {
    const cs = chunksOf("parser.py", "python", fixture("parser.py"), gov(64));
    expect(cs.every((c) => c.strategy === "semantic")).toBe(true);
    expect(lines(cs)).toEqual([
      [1, 14],
      [15, 21],
      [22, 30],
      [31, 37],
      [38, 44],
      [45, 53],
      [54, 55],
    ]);
    expect(cs[0]!.symbols).toEqual(["Token"]);
    expect(cs[0]!.partial).toBe(false);
    expect(cs[1]!.content.startsWith("class Parser:\n")).toBe(true);
    expect(cs[2]!.content.startsWith("    # Splits the source into tokens")).toBe(true);
    expect(cs[2]!.content).toContain("@staticmethod\n    def tokenize");
    expect(cs.slice(1, 6).map((c) => [c.scope, c.symbols, c.partial])).toEqual([
      [["class Parser"], ["__init__"], true],
      [["class Parser"], ["tokenize"], true],
      [["class Parser"], ["parse"], true],
      [["class Parser"], ["term"], true],
      [["class Parser"], ["factor", "peek"], true],
    ]);
    expect(cs[6]!.scope).toEqual([]);
    expect(cs[6]!.symbols).toEqual(["main"]);
    expect(cs[1]!.kinds).not.toContain("class"); // anonymous keyword nodes are not kinds
  });

  test("a big data literal is cut by lines, unless it holds definitions", () => {
    const entries = Array.from({ length: 60 }, (_, i) => `    "key_${i}": [${i}, ${i * 2}, "value number ${i}"],`);
    const py = enc.encode(`TABLE = {\n${entries.join("\n")}\n}\n`);
    const data = chunksOf("table.py", "python", py, gov(64));
    expect(data.length).toBeGreaterThan(3);
    // Cut by lines: no chunk starts mid-line, and the pieces report the literal, not its pairs.
    expect(data.slice(1).every((c) => py[c.byte_start - 1] === 10)).toBe(true);
    expect(data.slice(1, -1).every((c) => c.partial && c.kinds.join() === "dictionary")).toBe(true);

    const methods = Array.from(
      { length: 8 },
      (_, i) => `  method${i}(a: number): number {\n    const b = a * ${i};\n    return b + ${i};\n  },`,
    );
    const ts = enc.encode(`export const api = {\n${methods.join("\n")}\n};\n`);
    const cs = chunksOf("api.ts", "typescript", ts, gov(64));
    // Opened: every method is whole in one chunk and named there.
    for (let i = 0; i < 8; i++)
      expect(
        cs.filter((c) =>
          c.content.includes(`method${i}(a: number): number {\n    const b = a * ${i};\n    return b + ${i};\n  }`),
        ).length,
      ).toBe(1);
    expect(cs.flatMap((c) => c.kinds)).toContain("method_definition");
  });

  test("Go: doc comments stay with their declarations", () => {
    const cs = chunksOf("server.go", "go", fixture("server.go"), gov(64));
    expect(lines(cs)).toEqual([
      [1, 14],
      [15, 20],
      [21, 24],
    ]);
    expect(cs.map((c) => c.symbols)).toEqual([["Server"], ["ServeHTTP"], ["New"]]);
    expect(cs[1]!.content.startsWith("// ServeHTTP greets")).toBe(true);
  });

  test("TypeScript: a class too big is split between members, with its scope", () => {
    const cs = chunksOf("store.ts", "typescript", fixture("store.ts"), gov(64));
    expect(lines(cs)).toEqual([
      [1, 7],
      [8, 11],
      [12, 17],
      [18, 18],
      [19, 29],
      [30, 32],
    ]);
    expect(cs.slice(1, 5).every((c) => c.scope[0] === "export class Store" && c.partial)).toBe(true);
    expect(cs[2]!.symbols).toEqual(["set"]);
    expect(cs[2]!.content.startsWith("  /** Sets a value")).toBe(true);
    expect(cs[5]!.symbols).toEqual(["createStore"]);
  });

  test("a budget larger than the file gives one chunk with every symbol", () => {
    const cs = chunksOf("parser.py", "python", fixture("parser.py"), gov(2048));
    expect(cs).toHaveLength(1);
    expect(cs[0]!.symbols).toEqual(["Token", "Parser", "main"]);
  });

  test("a leaf bigger than the budget (a long string) is cut by lines, then characters", () => {
    const long = `x = """${"lorem ipsum dolor sit amet ".repeat(400)}"""\ny = 1\n`;
    const cs = chunksOf("long.py", "python", enc.encode(long), gov(64));
    expect(cs.length).toBeGreaterThan(30);
    expect(cs.slice(0, -1).every((c) => c.tokens >= 48)).toBe(true); // cut pieces are packed full
    expect(cs.some((c) => c.partial)).toBe(true);
  });

  test("broken syntax: chunks with ERROR nodes say so; a tree that holds no statement is cut by delimiter rules", () => {
    const some = chunksOf(
      "bad.py",
      "python",
      enc.encode("def ok():\n    return 1\n\n\ndef bad(:\n    x = = 2\n"),
      gov(16),
    );
    expect(some.some((c) => c.has_error)).toBe(true);
    expect(some[0]!.has_error).toBe(false);
    const r = run("worse.py", "python", enc.encode("}}}{{{ ))) ((( ]]] [[[\n".repeat(20)), gov(64));
    expect(r.status === "chunked" && r.strategy).toBe("delimiter");
    expect(r.status === "chunked" && r.reason).toMatch(/syntax errors/);
    // The whole file is one recovered region, its chunks say delimiter.
    expect(r.status === "chunked" && r.recovered?.map((g) => [g.line_start, g.line_end])).toEqual([[1, 20]]);
    expect(r.status === "chunked" && r.chunks.every((c) => c.strategy === "delimiter")).toBe(true);
  });
});

describe("positions", () => {
  test("CRLF, BOM, emoji, CJK and non-ASCII identifiers: exact byte offsets and lines", () => {
    const src =
      "\uFEFF# 漢字 comment\r\ndef naïve_😀():\r\n    return '日本語テキスト'\r\n\r\n\r\nclass Ünïcode:\r\n    emoji = '👩‍👩‍👧'\r\n";
    const bytes = enc.encode(src);
    for (const t of ["o200k", "cl100k", "chars", "bytes"] as const) {
      const cs = chunksOf("u.py", "python", bytes, gov(16, t));
      expect(cs.length).toBeGreaterThan(1);
      expect(cs[0]!.content.startsWith("\uFEFF")).toBe(true);
      // Each chunk's bytes are exactly the file's bytes at its range.
      for (const c of cs)
        expect(new TextDecoder().decode(bytes.subarray(c.byte_start, c.byte_end))).toBe(
          c.content.replace(/^\uFEFF/, ""),
        );
    }
  });

  test("empty file: chunked, no chunks; whitespace-only file: chunks that tile it", () => {
    const r = run("e.py", "python", new Uint8Array(0), gov());
    expect(r).toMatchObject({ status: "chunked", chunks: [] });
    chunksOf("w.py", "python", enc.encode("\n\n   \n"), gov());
  });

  test("a 10 MB single-line file finishes, tiles and stays in budget (text and semantic)", () => {
    const line = "var a=[" + "1234567,abcdefg,".repeat(640_000) + "];";
    const bytes = enc.encode(line);
    expect(bytes.length).toBeGreaterThan(10_000_000);
    for (const lang of ["text", "javascript"]) {
      const r = run("min.js", lang, bytes, gov(512));
      expect(r.status).toBe("chunked");
      if (r.status !== "chunked") continue;
      expect(r.chunks.map((c) => c.content).join("")).toBe(line);
      expect(r.chunks.every((c) => c.tokens <= 512 && c.line_start === 1 && c.line_end === 1)).toBe(true);
      expect(r.chunks[r.chunks.length - 1]!.byte_end).toBe(bytes.length);
    }
  });
});

describe("delimiter and text chunkers", () => {
  const ruby =
    "# A greeter.\nclass Greeter\n  def initialize(name)\n    @name = name\n  end\n\n  # Says hello.\n  def greet\n    puts \"hello #{@name}\"\n  end\nend\n\nGreeter.new('x').greet\n";
  test("end-keyword family: `end` lines stay with their block, comments with the next one", () => {
    const cs = chunksOf("g.jl", "julia", enc.encode(ruby), gov(24));
    expect(cs.every((c) => c.strategy === "delimiter")).toBe(true);
    expect(lines(cs)).toEqual([
      [1, 6],
      [7, 12],
      [13, 13],
    ]);
    expect(cs[0]!.content).toStartWith("# A greeter.\nclass Greeter\n  def initialize");
    expect(cs[1]!.content).toStartWith("  # Says hello.\n  def greet");
    expect(cs[1]!.content).toEndWith("  end\nend\n\n");
    expect(cs.map((c) => [c.scope, c.symbols])).toEqual([
      [["class Greeter"], ["initialize"]],
      [["class Greeter"], ["greet"]],
      [[], []],
    ]);
  });

  test("brace family: blocks by brace depth, closing braces with their block", () => {
    const perl =
      "use strict;\n\nsub add {\n  my ($a, $b) = @_;\n  return $a + $b;\n}\n\nsub mul {\n  my ($a, $b) = @_;\n  return $a * $b;\n}\n";
    const cs = chunksOf("m.pl", "perl", enc.encode(perl), gov(24));
    expect(cs.map((c) => c.content)).toEqual([
      "use strict;\n\n",
      "sub add {\n  my ($a, $b) = @_;\n  return $a + $b;\n}\n\n",
      "sub mul {\n  my ($a, $b) = @_;\n  return $a * $b;\n}\n",
    ]);
    expect(cs.map((c) => c.symbols)).toEqual([[], ["add"], ["mul"]]);
  });

  test("paragraph family: blank-line paragraphs and headings", () => {
    const tex = "\\section{One}\nFirst paragraph line one.\nLine two.\n\nSecond paragraph.\n\\section{Two}\nThird.\n";
    const cs = chunksOf("d.tex", "latex", enc.encode(tex), gov(16));
    expect(cs.map((c) => c.content)).toEqual([
      "\\section{One}\nFirst paragraph line one.\nLine two.\n\nSecond paragraph.\n",
      "\\section{Two}\nThird.\n",
    ]);
  });

  test("text: lines packed to the budget", () => {
    const text = Array.from({ length: 50 }, (_, i) => `line number ${i}`).join("\n");
    const cs = chunksOf("notes.txt", "text", enc.encode(text), gov(32));
    expect(cs.every((c) => c.strategy === "text" && c.content.endsWith("\n") === c.index < c.count - 1)).toBe(true);
    expect(cs.length).toBeGreaterThan(5);
  });
});

describe("context and overlap", () => {
  test("--context: header is separate, counted with the content, within budget", () => {
    const bytes = fixture("parser.py");
    const governor = gov(96, "o200k", { context: true });
    const cs = chunksOf("src/parser.py", "python", bytes, governor);
    expect(cs[1]!.context).toBe("File: src/parser.py\nScope: class Parser\nDefines: __init__\n");
    expect(cs.every((c) => c.context !== undefined && c.tokens <= 96)).toBe(true);
  });

  test("--overlap-lines: preceding lines in a separate field; core ranges unchanged", () => {
    const bytes = fixture("parser.py");
    const plain = chunksOf("parser.py", "python", bytes, gov(64));
    const withOverlap = chunksOf("parser.py", "python", bytes, gov(64, "o200k", { overlapLines: 2 }));
    expect(withOverlap.map((c) => [c.byte_start, c.byte_end, c.id])).toEqual(
      plain.map((c) => [c.byte_start, c.byte_end, c.id]),
    );
    expect(withOverlap[0]!.overlap_before).toBeUndefined();
    expect(withOverlap[1]!.overlap_before).toBe("\n\n");
    expect(withOverlap[2]!.overlap_before).toBe("        self.pos = 0\n\n");
  });
});

describe("determinism and ids", () => {
  test("same input, same output bytes; ids depend on path, range and content", () => {
    const bytes = fixture("store.ts");
    const a = JSON.stringify(run("store.ts", "typescript", bytes, gov(64)));
    const b = JSON.stringify(run("store.ts", "typescript", bytes, gov(64)));
    expect(a).toBe(b);
    const other = run("other.ts", "typescript", bytes, gov(64));
    const ids = (r: FileResult) => (r.status === "chunked" ? r.chunks.map((c) => c.id) : []);
    expect(ids(other)).not.toEqual(ids(JSON.parse(a) as FileResult));
    expect(new Set(ids(other)).size).toBe(ids(other).length);
  });
});
