import { closeSync, fstatSync } from "node:fs";
import { processFile } from "../chunkers/processFile.ts";
import { readDiscovered } from "../chunkers/readFile.ts";
import { contentSkip, HEAD_BYTES } from "../discover/content.ts";
import type { Executor, RunOptions } from "../execute/executor.ts";
import { openDiscovered } from "../discover/inspect.ts";
import { WeftError } from "../model/errors.ts";
import type { DiscoveredFile, ReadLimits } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import { skippedResult, type FileResult } from "../model/result.ts";
import { chunksRebuild } from "./bytes.ts";
import { createReader } from "./reader.ts";
import { toJsonl, type CachedFile } from "./entry.ts";
import { digest, fileKey } from "./key.ts";
import type { EntryStore } from "./store.ts";

/**
 * One file's outcome in a cached run, in file order: from the cache, or chunked now (with its
 * JSON Lines when they were serialized for the cache, so the writer need not serialize again).
 */
export type Delivery = { cached: CachedFile } | { result: FileResult; jsonl?: string };

/** What the cache decided for a file before any chunking. */
type Plan =
  | { kind: "hit" | "miss"; file: DiscoveredFile; key: string; digest: string }
  | { kind: "done"; file: DiscoveredFile; result: FileResult };

/** What `runCached` needs from runChunk. */
export type CachedRun = {
  store: EntryStore;
  /** The run's key prefix (key.ts runKey). */
  runKey: string;
  /**
   * Chooses the executor for the files that must be chunked (after the cache took its share).
   * Parsers must be loaded for every file by then: a corrupt entry is recomputed on this thread.
   */
  executorFor(misses: readonly DiscoveredFile[]): Executor;
};

/**
 * Runs `files` through the cache: each file is read and hashed on the main thread; a file with an
 * entry is a hit and is never parsed (its entry is read and checked when its turn comes); the others go to the
 * executor, and their chunked results are stored (never a degraded one, nor one whose chunks do not
 * rebuild the bytes that were hashed, say of a file edited mid-run). `deliver` gets every file once, in
 * file order. A corrupt entry is recomputed on this thread, rewritten and counted.
 */
export async function runCached(
  run: CachedRun,
  files: readonly DiscoveredFile[],
  governor: Governor,
  deliver: (d: Delivery) => void,
  options: RunOptions = {},
): Promise<void> {
  const { store } = run;
  const { limits } = options;
  const plans: Plan[] = files.map((file) => {
    const bytes = readForKey(file, limits);
    if (bytes === undefined) {
      const read = readDiscovered(file, limits); // why not (or, if it changed meanwhile, its bytes)
      return "bytes" in read ? { kind: "miss", file, key: "", digest: "" } : { kind: "done", file, result: read };
    }
    const contentDigest = digest(bytes);
    const key = fileKey(run.runKey, file, contentDigest);
    if (store.has(key)) return { kind: "hit", file, key, digest: contentDigest };
    // The reader's content checks, so a file they skip costs no worker: a hit needs none, since
    // they depend on the bytes and the options alone (both in the key) and skipped files have no entry.
    const skip = limits && contentSkip(bytes.subarray(0, HEAD_BYTES), limits.skipMinified);
    return skip
      ? { kind: "done", file, result: skippedResult(file, skip) }
      : { kind: "miss", file, key, digest: contentDigest };
  });
  const misses = plans.filter((p) => p.kind === "miss");
  store.stats.misses += misses.length;
  const executor = run.executorFor(misses.map((p) => p.file));

  const fresh = (plan: Extract<Plan, { key: string }>, result: FileResult) => {
    if (result.status !== "chunked" || result.degraded !== undefined) return deliver({ result });
    const jsonl = toJsonl(result);
    // Stored only if the file still has the bytes that were keyed and the records rebuild them
    // exactly: a file edited while weft ran is emitted as chunked, never stored under the old key.
    const now = plan.digest === "" ? undefined : readForKey(plan.file, limits);
    if (now && digest(now) === plan.digest && chunksRebuild(result.chunks, now)) store.write(plan.key, result, jsonl);
    deliver({ result, jsonl });
  };
  let next = 0;
  /** Delivers the hits and read outcomes before file `index` (every miss before it was delivered already). */
  const upTo = async (index: number) => {
    for (; next < plans.length && plans[next]!.file.index < index; next++) {
      if (options.signal?.aborted) throw new WeftError("interrupted", "run interrupted");
      const plan = plans[next]!;
      if (plan.kind === "done") deliver({ result: plan.result });
      else if (plan.kind === "hit") {
        const entry = store.read(plan.key, plan.file.index);
        if (entry && !("corrupt" in entry)) {
          store.stats.hits++;
          deliver({ cached: entry });
        } else {
          // Corrupt, or evicted by a concurrent run since it was seen: chunk it here and now.
          if (entry) store.stats.corrupt++;
          else store.stats.misses++;
          fresh(plan, processFile(plan.file, governor, { limits: options.limits }));
        }
      }
      if (next % 256 === 255) await Bun.sleep(0); // signals and output-closed are seen between files
    }
  };
  await executor.run(
    misses.map((p) => p.file),
    governor,
    async (result) => {
      await upTo(result.index);
      const plan = plans[next];
      // The executor delivers in file order; anything else is the ledger's to report, never stored.
      if (plan?.kind !== "miss" || plan.file.index !== result.index) return deliver({ result });
      next++;
      fresh(plan, result);
    },
    options,
  );
  await upTo(Infinity);
}

const readKeyBytes = createReader();

/**
 * The bytes to key a file by (valid until the next call), or undefined when it is not a regular
 * file, is over --max-file-size or cannot be read: then the reader (readDiscovered) says why.
 */
function readForKey(file: DiscoveredFile, limits: ReadLimits | undefined): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openDiscovered(file.absPath);
    const st = fstatSync(fd);
    if (!st.isFile() || (limits && st.size > limits.maxFileSize)) return undefined;
    return readKeyBytes(fd, st.size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
