// Writes src/tokenize/data/{o200k,cl100k}.bin from gpt-tokenizer's rank lists (a devDependency:
// the binary never loads gpt-tokenizer). Run after upgrading gpt-tokenizer:
//   bun src/tokenize/data/generate.ts
// tests/tokenize checks that the committed files equal what this produces.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BpeEncodingId } from "../encodings.ts";
import { encodeRankTable } from "../rankTable.ts";

/**
 * The encoding's tokens as bytes, index = rank. gpt-tokenizer lists a token as a string when its
 * bytes are valid UTF-8 and as a byte array otherwise (also for the tokens that start with a BOM,
 * which a TextDecoder would drop).
 */
export async function rankTokens(id: BpeEncodingId): Promise<Uint8Array[]> {
  const list = (
    id === "o200k"
      ? await import("gpt-tokenizer/esm/bpeRanks/o200k_base")
      : await import("gpt-tokenizer/esm/bpeRanks/cl100k_base")
  ).default as (string | number[])[];
  const utf8 = new TextEncoder();
  const tokens: Uint8Array[] = [];
  for (let r = 0; r < list.length; r++) {
    const v = list[r];
    if (v === undefined) throw new Error(`${id}: rank ${r} is missing`);
    tokens.push(typeof v === "string" ? utf8.encode(v) : Uint8Array.from(v));
  }
  return tokens;
}

/** The .bin file contents for an encoding. */
export async function rankTableFile(id: BpeEncodingId): Promise<Uint8Array> {
  return encodeRankTable(await rankTokens(id));
}

if (import.meta.main) {
  for (const id of ["o200k", "cl100k"] as const) {
    const data = await rankTableFile(id);
    const path = join(import.meta.dir, `${id}.bin`);
    writeFileSync(path, data);
    console.log(`${path}: ${data.length} bytes`);
  }
}
