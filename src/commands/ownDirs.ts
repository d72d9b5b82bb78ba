import { realpathSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { DiscoveryOptions } from "../model/file.ts";

/**
 * The directories weft keeps its own files in, as real paths, for discovery to leave out like
 * .git (chunking its chunk cache would grow the output on every run): the chunk cache
 * `chunkCache` (already a real path) when --cache names one, and every place the parser cache
 * can be (src/languages/cache.ts: WEFT_CACHE_DIR, XDG_CACHE_HOME/weft, ~/.cache/weft,
 * %LOCALAPPDATA%\weft, the per-user fallback in the temp directory) that exists. Nothing is
 * created here: `weft files` must not make a cache to leave it out.
 */
export function ownDirs(discovery: DiscoveryOptions, chunkCache?: string, env = process.env): string[] {
  const dirs = [...(discovery.leaveOut ?? [])];
  if (chunkCache !== undefined) dirs.push(chunkCache);
  const candidates = [
    env.WEFT_CACHE_DIR,
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? join(env.XDG_CACHE_HOME, "weft") : undefined,
    join(env.HOME || homedir(), ".cache", "weft"),
    env.LOCALAPPDATA ? join(env.LOCALAPPDATA, "weft") : undefined,
    join(tmpdir(), `weft-${process.getuid?.() ?? env.USERNAME ?? "user"}`),
  ];
  for (const dir of candidates) {
    if (!dir) continue;
    try {
      dirs.push(realpathSync(dir));
    } catch {
      // Not there: nothing to leave out.
    }
  }
  return dirs;
}
