import { withListed } from "../discover/args.ts";
import type { ChunkArgs } from "./commandOptions.ts";
import type { Outcome } from "./exitCodes.ts";
import { runChunk } from "./runChunk.ts";

/** `weft chunk`: the paths listed on stdin (with --stdin) join the discovery, then the run. */
export async function chunk({ stdin, ...opts }: ChunkArgs): Promise<Outcome> {
  return runChunk({ ...opts, discovery: await withListed(opts.discovery, stdin) });
}
