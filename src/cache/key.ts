import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChunkOptions } from "../model/chunkOptions.ts";
import type { DiscoveredFile } from "../model/file.ts";
import { BUILD, VERSION } from "../version.ts";

/**
 * Options of `weft chunk` that cannot change a file's records, and why; every other option (the
 * budget, the tokenizer, --map, the read limits, any option added later) is part of the key.
 */
const NOT_IN_KEY = {
  format: "entries hold JSON Lines records; json and text are rendered from the same records",
  executor: "the output is the same bytes whatever the executor",
  workers: "the output is the same bytes whatever the worker count",
  timeoutMs: "a file that times out fails, and failures are never stored",
  quiet: "stderr only",
  summaryJson: "a report file",
  skippedFile: "a report file",
  faults: "test-only; injected faults make failures, which are never stored",
  outFd: "where output goes, not what it is",
  cache: "the cache itself",
} as const satisfies Partial<Record<keyof ChunkOptions, string>>;

/** Discovery options that only choose which files are chunked: a file's records do not depend on them. */
const DISCOVERY_NOT_IN_KEY = [
  "paths",
  "listed",
  "cwd",
  "shard",
  "checkContent",
  "include",
  "exclude",
  "languages",
  "ignoreFiles",
  "hidden",
  "follow",
] as const;

/** The options that go into every key: the normalised options minus those listed above. */
export function keyOptions(opts: ChunkOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { ...opts };
  for (const name of Object.keys(NOT_IN_KEY)) delete out[name];
  const discovery: Record<string, unknown> = { ...opts.discovery };
  for (const name of DISCOVERY_NOT_IN_KEY) delete discovery[name];
  out.discovery = discovery;
  return out;
}

/**
 * Which weft made an entry. A compiled binary: version, commit and a per-build id (build.ts), so a
 * dev build (even of a "-dirty" tree) never reuses another build's entries. From source: version
 * and a hash of every source file, so editing the code invalidates the cache.
 */
export function buildId(): string {
  if (BUILD) return `${VERSION} ${BUILD.commit} ${BUILD.target} ${BUILD.build ?? ""}`;
  return `${VERSION} source ${sourceHash ?? (sourceHash = hashTree(join(import.meta.dir, "..")))}`;
}

let sourceHash: string | undefined;

function hashTree(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) parts.push(`${p}\0${digest(readFileSync(p))}`);
    }
  };
  walk(dir);
  return digest(parts.join("\n"));
}

/**
 * 128 bits of content identity: xxHash3 under two seeds, hex (32 characters). Not cryptographic:
 * the cache directory is private to its user, so only accidental collisions matter, and xxHash3
 * reads the whole corpus in a few milliseconds where sha256 takes a quarter of a second.
 */
export function digest(data: Uint8Array | string): string {
  const hex = (n: bigint) => n.toString(16).padStart(16, "0");
  return hex(Bun.hash.xxHash3(data, 0n)) + hex(Bun.hash.xxHash3(data, 0x9e3779b97f4a7c15n));
}

/** The key prefix shared by every file of a run: the entry format, the build and the options. */
export function runKey(opts: ChunkOptions): string {
  return JSON.stringify({ entry: 1, build: buildId(), options: keyOptions(opts) });
}

/**
 * A file's key: the run's key, its path as shown (records carry it, and it is hashed into `id`),
 * its language and its content digest. JSON escapes lone surrogates, so names that differ in a
 * byte that is not UTF-8 get different keys.
 */
export function fileKey(run: string, file: DiscoveredFile, contentDigest: string): string {
  return digest(JSON.stringify([run, file.path, file.language, contentDigest]));
}
