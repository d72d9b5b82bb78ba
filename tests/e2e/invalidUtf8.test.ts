// Files that are not valid UTF-8, through the compiled binary: chunked (not skipped), byte ranges
// exact against the files on disk, and the records alone rebuild every byte, the same inline and
// on workers.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, runWeft, sandbox } from "./harness.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine.
setDefaultTimeout(120_000);
afterAll(cleanup);

type Entry = { byte_start: number; byte_end: number; hex: string };
type ChunkRecord = {
  path: string;
  index: number;
  byte_start: number;
  byte_end: number;
  line_start: number;
  line_end: number;
  content: string;
  invalid_utf8?: Entry[];
};

const latin1 = (s: string) => Buffer.from(s, "latin1");
const files: { [path: string]: Buffer } = {
  // Python in Latin-1 with CRLF, long enough for several chunks.
  "tree/legacy.py": latin1(
    Array.from(
      { length: 80 },
      (_, i) => `def caf\xe9_${i}(x):\r\n    """Na\xefve ${"\xe9".repeat(i % 7)}."""\r\n    return x + ${i}\r\n`,
    ).join("\r\n"),
  ),
  // BOM, emoji, CJK, an encoded surrogate and an overlong slash, in TypeScript.
  "tree/mixed.ts": Buffer.concat([
    Buffer.from('\uFEFFexport const s = "😀 漢字 '),
    Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf]),
    Buffer.from('";\r\n'),
  ]),
  // A 3-byte sequence cut by the end of the file.
  "tree/notes.txt": Buffer.concat([Buffer.from("first line\nsecond "), Buffer.from([0xe4, 0xb8])]),
  // One long line of text with invalid bytes all along it: cut into many chunks (--no-skip-minified).
  "tree/long.txt": Buffer.concat(
    Array.from({ length: 3000 }, (_, i) =>
      Buffer.concat([Buffer.from(`w${i} `), Buffer.from(i % 3 ? [0xff] : [0xf0, 0x9f, 0x98])]),
    ),
  ),
  "tree/valid.py": Buffer.from("def ok():\n    return 'ok 😀'\n"),
};

/**
 * A consumer's rebuild of a chunk's bytes, as docs/output.md describes it: encode `content` as UTF-8
 * from byte_start on; where the position reaches an entry's byte_start, write its hex bytes instead
 * of the U+FFFD there and continue at its byte_end.
 */
function rebuild(c: ChunkRecord): Buffer {
  const out: number[] = [];
  const entries = [...(c.invalid_utf8 ?? [])];
  let pos = c.byte_start;
  for (const ch of c.content) {
    const next = entries[0];
    if (next && pos === next.byte_start) {
      expect(ch).toBe("\uFFFD");
      out.push(...Buffer.from(next.hex, "hex"));
      pos = next.byte_end;
      entries.shift();
      continue;
    }
    const bytes = Buffer.from(ch);
    out.push(...bytes);
    pos += bytes.length;
  }
  expect(entries).toEqual([]);
  return Buffer.from(out);
}

describe("compiled binary: files that are not valid UTF-8", () => {
  test("chunked, exact against the files on disk, rebuilt from the records alone; workers print the same bytes as inline", async () => {
    const sb = sandbox();
    mkdirSync(join(sb.dir, "tree"));
    for (const [path, bytes] of Object.entries(files)) writeFileSync(join(sb.dir, path), bytes);

    const listed = await runWeft(sb, ["files", "tree", "--no-skip-minified"]);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(
      listed.stdout
        .trimEnd()
        .split("\n")
        .map((l) => l.split("\t")[0]),
    ).toEqual(Object.keys(files).sort());

    const inline = await runWeft(sb, [
      "chunk",
      "tree",
      "--no-skip-minified",
      "--executor",
      "inline",
      "--summary-json",
      "inline.json",
    ]);
    const workers = await runWeft(sb, [
      "chunk",
      "tree",
      "--no-skip-minified",
      "--executor",
      "workers",
      "--workers",
      "2",
      "--quiet",
    ]);
    expect([inline.code, workers.code]).toEqual([0, 0]);
    expect(inline.stderr).toMatch(/^weft: 5 files: 5 chunked \(4 not valid UTF-8\), 0 skipped, 0 failed; /);
    expect(workers.stderr).toBe("");
    expect(workers.stdout).toBe(inline.stdout);
    expect(JSON.parse(readFileSync(join(sb.dir, "inline.json"), "utf8"))).toMatchObject({
      skipped: 0,
      skips: [],
      failed: 0,
      invalidUtf8: 4,
    });

    const records = inline.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as ChunkRecord);
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    for (const [path, bytes] of Object.entries(files)) {
      const chunks = records.filter((r) => r.path === path);
      expect({ path, first: chunks[0]?.byte_start, last: chunks.at(-1)?.byte_end }).toEqual({
        path,
        first: 0,
        last: bytes.length,
      });
      let line = 1;
      chunks.forEach((c, i) => {
        if (i > 0) expect(c.byte_start).toBe(chunks[i - 1]!.byte_end);
        const range = bytes.subarray(c.byte_start, c.byte_end);
        expect(decoder.decode(range)).toBe(c.content);
        expect(rebuild(c).equals(range)).toBe(true);
        expect(c.line_start).toBe(line);
        line = c.line_end + (c.content.endsWith("\n") ? 1 : 0);
      });
      const entries = chunks.flatMap((c) => c.invalid_utf8 ?? []);
      if (path === "tree/valid.py")
        expect(
          inline.stdout
            .split("\n")
            .filter((l) => l.includes('"path":"tree/valid.py"'))
            .every((l) => !l.includes("invalid_utf8")),
        ).toBe(true);
      else expect(entries.length).toBeGreaterThan(0);
    }
    const entriesOf = (path: string) => records.filter((r) => r.path === path).flatMap((c) => c.invalid_utf8 ?? []);
    expect(entriesOf("tree/notes.txt")).toEqual([{ byte_start: 18, byte_end: 20, hex: "e4b8" }]);
    expect(entriesOf("tree/mixed.ts").map((e) => e.hex)).toEqual(["ed", "a0", "80", "c0", "af"]);
    expect(entriesOf("tree/long.txt")).toHaveLength(3000);
    expect(records.filter((r) => r.path === "tree/long.txt").length).toBeGreaterThan(10);
    expect(records.filter((r) => r.path === "tree/legacy.py").length).toBeGreaterThan(3);
  });

  test("--format text says which chunks show invalid bytes as U+FFFD", async () => {
    const sb = sandbox();
    writeFileSync(join(sb.dir, "notes.txt"), files["tree/notes.txt"]!);
    const r = await runWeft(sb, ["chunk", "notes.txt", "--format", "text", "--quiet"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.split("\n")[0]).toBe(
      "── notes.txt  chunk 1/1  lines 1-2  bytes 0-20  5 tokens  (text, 1 invalid UTF-8 sequence shown as U+FFFD)",
    );
  });
});
