import type { ChunkArgs } from "./commandOptions.ts";
import type { Outcome } from "./exitCodes.ts";
import { readListed } from "./readListed.ts";
import { runChunk } from "./runChunk.ts";

/** `weft chunk`: the paths listed on stdin (with --stdin) join the discovery, then the run. */
export async function chunk({ stdin, ...opts }: ChunkArgs): Promise<Outcome> {
  return runChunk({ ...opts, discovery: await readListed(opts.discovery, stdin) });
}
