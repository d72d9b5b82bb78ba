import type { Shard } from "../model/file.ts";
import { encodePath } from "./pathBytes.ts";

/**
 * A stable 32-bit hash of a path: FNV-1a over its bytes (UTF-8; a byte of a name that is not
 * UTF-8 counts as itself). Fixed forever, since machines that split one run with --shard must agree
 * on it; it is simple enough to reproduce in any language.
 */
export function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (const b of encodePath(path)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** True when `path` belongs to shard `shard.index` (1-based) of `shard.count`. */
export function inShard(path: string, shard: Shard | undefined): boolean {
  return shard === undefined || pathHash(path) % shard.count === shard.index - 1;
}
