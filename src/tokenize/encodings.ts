import { readFileSync } from "node:fs";
import cl100kFile from "./data/cl100k.bin" with { type: "file" };
import o200kFile from "./data/o200k.bin" with { type: "file" };
import { pieceCounter, type PieceCounter } from "./bytePairCount.ts";
import { decodeRankTable } from "./rankTable.ts";

/** The BPE encodings weft counts with. */
export type BpeEncodingId = "o200k" | "cl100k";

// Static file imports: `bun build --compile` embeds both tables in the binary.
const FILES: Record<BpeEncodingId, string> = { o200k: o200kFile, cl100k: cl100kFile };

/** A piece counter for an encoding, its rank table read from the embedded file (a few ms). */
export function loadPieceCounter(id: BpeEncodingId): PieceCounter {
  return pieceCounter(decodeRankTable(readFileSync(FILES[id])));
}
