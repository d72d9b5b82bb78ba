import { withListed, type StdinList } from "../discover/args.ts";
import type { DiscoveryOptions } from "../model/file.ts";
import { exitNow, type StopSignal } from "./exitCodes.ts";

/**
 * `discovery` with the --stdin list read in, staying responsive to signals while it streams in (a
 * list that never ends, `yes a.py | weft chunk --stdin`, is stopped by Ctrl-C): nothing has been
 * chunked yet, so a signal ends the process at once with 130 / 143 and one line on stderr.
 */
export async function readListed(discovery: DiscoveryOptions, stdin: StdinList): Promise<DiscoveryOptions> {
  if (!stdin) return discovery;
  const stop = (signal: StopSignal) => {
    process.stderr.write(`weft: interrupted by ${signal} while reading the --stdin list; nothing was chunked\n`);
    exitNow({ signal });
  };
  const onInt = () => stop("SIGINT");
  const onTerm = () => stop("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    return await withListed(discovery, stdin);
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}
