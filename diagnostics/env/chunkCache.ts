import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openCacheDir } from "../../src/cache/dir.ts";
import { cachedResult, toJsonl } from "../../src/cache/entry.ts";
import { createEntryStore } from "../../src/cache/store.ts";
import { contentHash } from "../../src/chunkers/build.ts";
import type { Chunk } from "../../src/model/chunk.ts";
import type { FileResult } from "../../src/model/result.ts";
import { tempDirFor, verdict, type Verdict } from "../check.ts";

/** A chunked file of two records, one with invalid UTF-8 (Latin-1 "é"), as plain data. */
function sample(): Extract<FileResult, { status: "chunked" }> {
  const chunk = (
    index: number,
    start: number,
    bytes: number[],
    content: string,
    extra: Partial<Chunk> = {},
  ): Chunk => ({
    id: `diagnose-${index}`,
    content_hash: contentHash(Uint8Array.from(bytes)),
    path: "diagnose/caf\u00e9.c",
    language: "c",
    strategy: "delimiter",
    index,
    count: 2,
    byte_start: start,
    byte_end: start + bytes.length,
    line_start: index + 1,
    line_end: index + 1,
    tokens: 3,
    kinds: [],
    symbols: [],
    scope: [],
    partial: false,
    has_error: false,
    content,
    ...extra,
  });
  const first = [...Buffer.from("int x;\n")];
  return {
    status: "chunked",
    index: 0,
    path: "diagnose/caf\u00e9.c",
    strategy: "delimiter",
    reason: "diagnose sample",
    chunks: [
      chunk(0, 0, first, "int x;\n"),
      chunk(1, first.length, [0x2f, 0x2f, 0xe9, 0x0a], "//\uFFFD\n", {
        invalid_utf8: [{ byte_start: first.length + 2, byte_end: first.length + 3, hex: "e9" }],
      }),
    ],
  };
}

/**
 * The chunk cache (--cache) on this machine, in a temporary directory removed afterwards: the
 * directory is made private, an entry goes in and comes back byte for byte and as the same result,
 * an altered and a truncated entry are both detected (never returned), and a directory others can
 * read is refused.
 */
export function chunkCacheCheck(): Verdict {
  const temp = tempDirFor("weft-diagnose-cache-");
  if ("failed" in temp) return temp.failed;
  const root = temp.dir;
  try {
    const problems: string[] = [];
    const dir = openCacheDir(join(root, "cache"));
    if (process.platform !== "win32" && (statSync(dir).mode & 0o777) !== 0o700)
      problems.push(`a new cache directory has mode ${(statSync(dir).mode & 0o777).toString(8)}, not 700`);
    const store = createEntryStore(dir, 1 << 20);
    const result = sample();
    const jsonl = toJsonl(result);
    const key = "d1a9".repeat(8);
    store.write(key, result, jsonl);
    if (store.stats.written !== 1) problems.push(`the entry was not written (${store.stats.writeError ?? "?"})`);
    const back = store.read(key, 0);
    if (!back || "corrupt" in back) problems.push(`the entry did not come back: ${back?.corrupt ?? "missing"}`);
    else {
      if (Buffer.from(back.jsonl).toString() !== jsonl) problems.push("the records came back with different bytes");
      if (!Bun.deepEquals(cachedResult(back), result, true)) problems.push("the result came back different");
    }
    const file = join(dir, `${key}.wce`);
    const good = readFileSync(file);
    const altered = Uint8Array.from(good);
    altered[altered.length - 3]! ^= 0x01;
    for (const [what, bytes] of [
      ["an altered entry", altered],
      ["a truncated entry", good.subarray(0, good.length - 5)],
    ] as const) {
      writeFileSync(file, bytes);
      const entry = store.read(key, 0);
      if (!entry || !("corrupt" in entry)) problems.push(`${what} was not detected`);
    }
    if (process.platform !== "win32") {
      chmodSync(dir, 0o755);
      try {
        openCacheDir(dir);
        problems.push("a cache directory others can read was accepted");
      } catch {
        // refused, as it must be
      }
    }
    return verdict(
      problems,
      "entry round trip byte for byte; altered and truncated entries detected; private directory (others' access refused)",
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
