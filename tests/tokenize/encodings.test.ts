// Rank tables in shared memory: built once, viewed by every thread, checked when handed over.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { rankTablesFor } from "../../src/tokenize/encodings.ts";
import {
  decodeRankTable,
  encodeRankTable,
  rankOf,
  shareRankTable,
  sharedRankTableView,
} from "../../src/tokenize/rankTable.ts";

const DATA = join(import.meta.dir, "../../src/tokenize/data");
const tiny = () => encodeRankTable(["a", "b", "c", "ab", "abc"].map((t) => new TextEncoder().encode(t)));

describe("shared rank tables", () => {
  test("o200k in shared memory: every token is found at its rank, offsets equal the decoded file's", () => {
    const file = readFileSync(join(DATA, "o200k.bin"));
    const decoded = decodeRankTable(file);
    const view = sharedRankTableView(shareRankTable(file));
    expect(view.offsets).toEqual(decoded.offsets);
    expect(view.mask).toBe(decoded.mask);
    expect(view.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (let r = 0; r < view.offsets.length - 1; r++) {
      if (rankOf(view, view.bytes, view.offsets[r]!, view.offsets[r + 1]!) !== r) throw new Error(`token ${r} lost`);
    }
  });

  test("a shared table that does not add up is refused (size, offsets, header)", () => {
    const shared = shareRankTable(tiny());
    expect(() => sharedRankTableView(shared)).not.toThrow();
    const longer = new SharedArrayBuffer(shared.byteLength + 4);
    new Uint8Array(longer).set(new Uint8Array(shared));
    expect(() => sharedRankTableView(longer)).toThrow("sizes in the header");
    const offsets = new Int32Array(shared, shared.byteLength - 6 * 4, 6);
    offsets[2]! += 1;
    expect(() => sharedRankTableView(shared)).toThrow("offset of token 2");
    expect(() => sharedRankTableView(new SharedArrayBuffer(64))).toThrow("bad magic");
  });

  test("rankTablesFor loads a table once per process, and none for the tokenizers without one", () => {
    expect(rankTablesFor("chars")).toEqual({});
    expect(rankTablesFor("bytes")).toEqual({});
    const a = rankTablesFor("o200k");
    expect(Object.keys(a)).toEqual(["o200k"]);
    expect(a.o200k).toBeInstanceOf(SharedArrayBuffer);
    expect(rankTablesFor("o200k").o200k).toBe(a.o200k!);
    expect(Object.keys(rankTablesFor("cl100k"))).toEqual(["cl100k"]);
  });

  test("a thread that adopts tables counts with them, not with a copy read from the file", () => {
    // In a child process: adopting changes the process's tables. The hand-made table has "abc" as one
    // token, so "abcabc" counts 1 with it; cl100k, not adopted, still counts with its own file.
    const script = `
      import { adoptRankTables, loadPieceCounter } from ${JSON.stringify(join(import.meta.dir, "../../src/tokenize/encodings.ts"))};
      import { encodeRankTable, shareRankTable } from ${JSON.stringify(join(import.meta.dir, "../../src/tokenize/rankTable.ts"))};
      const before = loadPieceCounter("cl100k").countPiece("abcabc");
      const tiny = encodeRankTable(["a", "b", "c", "ab", "abc", "abca", "abcab", "abcabc"].map((t) => new TextEncoder().encode(t)));
      adoptRankTables({ o200k: shareRankTable(tiny) });
      const bad = new SharedArrayBuffer(8);
      let refused = "";
      try { adoptRankTables({ cl100k: bad }); } catch (e) { refused = String(e); }
      console.log(JSON.stringify({ adopted: loadPieceCounter("o200k").countPiece("abcabc"), before, after: loadPieceCounter("cl100k").countPiece("abcabc"), refused }));
    `;
    const out = Bun.spawnSync([process.execPath, "-e", script], { stderr: "pipe" });
    expect(out.stderr.toString()).toBe("");
    const got = JSON.parse(out.stdout.toString()) as {
      adopted: number;
      before: number;
      after: number;
      refused: string;
    };
    expect(got.adopted).toBe(1);
    expect(got.after).toBe(got.before);
    expect(got.refused).toContain("bad magic");
  });
});
