import { createReadStream } from "node:fs";
import { relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { CorpusFile } from "./corpus.ts";

/** What weft's JSON Lines output says about each corpus file: chunk count and bytes covered. */
export type FileOutput = { chunks: number; covered: number };

/**
 * Reads a `weft chunk` output file (untimed) and tallies chunks and covered bytes per corpus file.
 * Paths in the output are relative to `cwd`; the leading copyN/ of a materialized tree is dropped.
 * Lines that are not chunk records are counted as `unparsed` rather than failing the benchmark.
 */
export async function scanOutput(
  path: string,
  cwd: string,
): Promise<{ perFile: Map<string, FileOutput>; unparsed: number }> {
  const perFile = new Map<string, FileOutput>();
  let unparsed = 0;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === "") continue;
    let rec: { path?: unknown; byte_start?: unknown; byte_end?: unknown };
    try {
      rec = JSON.parse(line);
    } catch {
      unparsed++;
      continue;
    }
    if (typeof rec.path !== "string" || typeof rec.byte_start !== "number" || typeof rec.byte_end !== "number") {
      unparsed++;
      continue;
    }
    const rel = relative(cwd, resolve(cwd, rec.path)).replace(/^copy\d+\//, "");
    const cur = perFile.get(rel) ?? { chunks: 0, covered: 0 };
    cur.chunks++;
    cur.covered += rec.byte_end - rec.byte_start;
    perFile.set(rel, cur);
  }
  return { perFile, unparsed };
}

/** Chunks, covered bytes and files with at least one chunk, over a set of corpus files. */
export function tally(
  files: readonly CorpusFile[],
  perFile: ReadonlyMap<string, FileOutput>,
): { chunks: number; covered: number; filesWithChunks: number } {
  let chunks = 0;
  let covered = 0;
  let filesWithChunks = 0;
  for (const f of files) {
    const o = perFile.get(f.rel);
    if (!o) continue;
    chunks += o.chunks;
    covered += o.covered;
    filesWithChunks++;
  }
  return { chunks, covered, filesWithChunks };
}
