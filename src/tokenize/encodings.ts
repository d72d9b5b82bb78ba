import { readFileSync } from "node:fs";
import type { TokenizerId } from "../model/governor.ts";
import cl100kFile from "./data/cl100k.bin" with { type: "file" };
import o200kFile from "./data/o200k.bin" with { type: "file" };
import { pieceCounter, type PieceCounter } from "./bytePairCount.ts";
import { shareRankTable, sharedRankTableView, type RankTable } from "./rankTable.ts";

/** The BPE encodings weft counts with. */
export type BpeEncodingId = "o200k" | "cl100k";

/** Rank tables in shared memory by encoding: what the pool's main thread hands to each worker. */
export type SharedRankTables = Partial<Record<BpeEncodingId, SharedArrayBuffer>>;

// Static file imports: `bun build --compile` embeds both tables in the binary.
const FILES: Record<BpeEncodingId, string> = { o200k: o200kFile, cl100k: cl100kFile };

// This thread's tables, in shared memory (a pool worker's are the main thread's: adoptRankTables), and its views of them.
const shared: SharedRankTables = {};
const views = new Map<BpeEncodingId, RankTable>();

/** The encoding's table in shared memory, read from the embedded file on first use (a few ms, ~4.5 MB for o200k). */
function sharedTable(id: BpeEncodingId): SharedArrayBuffer {
  return (shared[id] ??= shareRankTable(readFileSync(FILES[id])));
}

/**
 * The shared tables a tokenizer needs (none for `chars` and `bytes`), loading them here once: the
 * pool posts them in each worker's `init`, so workers neither read nor hold their own copy.
 */
export function rankTablesFor(tokenizer: TokenizerId): SharedRankTables {
  return tokenizer === "o200k" || tokenizer === "cl100k" ? { [tokenizer]: sharedTable(tokenizer) } : {};
}

/** Makes this thread (a worker) count with tables another thread loaded; throws when one is malformed. */
export function adoptRankTables(tables: SharedRankTables): void {
  for (const id of Object.keys(tables) as BpeEncodingId[]) {
    const table = tables[id]!;
    views.set(id, sharedRankTableView(table));
    shared[id] = table;
  }
}

/** A piece counter for an encoding, over this thread's one copy of its rank table. */
export function loadPieceCounter(id: BpeEncodingId): PieceCounter {
  let view = views.get(id);
  if (!view) views.set(id, (view = sharedRankTableView(sharedTable(id))));
  return pieceCounter(view);
}
