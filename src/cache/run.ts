import { closeSync, fstatSync } from "node:fs";
import { processFile } from "../chunkers/processFile.ts";
import { readDiscovered } from "../chunkers/readFile.ts";
import { contentSkip, HEAD_BYTES } from "../discover/content.ts";
import { AUTO_INLINE_FILE_BYTES } from "../execute/choose.ts";
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
import { hitProblem } from "./verify.ts";

/**
 * One file's outcome in a cached run, in file order: from the cache, or chunked now (with its
 * JSON Lines when they were serialized for the cache, so the writer need not serialize again).
 */
export type Delivery = { cached: CachedFile } | { result: FileResult; jsonl?: string };

/** What the cache decided for a file before any chunking. */
type Plan =
  | { kind: "hit" | "miss"; file: DiscoveredFile; key: string; digest: string }
  | { kind: "done"; file: DiscoveredFile; result: FileResult };

/**
 * The cache's decision for every file of a run, made before any chunking (planCached): a hit, a miss
 * for the executor, or a result already (a file the reader skips or cannot read).
 */
export type CachePlan = {
  readonly plans: readonly Plan[];
  /** The files the executor must chunk, in file order. */
  readonly misses: readonly DiscoveredFile[];
};

/** What `runCached` needs from runChunk. */
export type CachedRun = {
  store: EntryStore;
  /**
   * The executor for the plan's misses. Parsers must be loaded for every file by then: a corrupt
   * entry is recomputed on this thread.
   */
  executor: Executor;
  /**
   * The executor for a file of AUTO_INLINE_FILE_BYTES or more whose entry turned out corrupt (made
   * when first needed, closed at the end): off the main thread, so signals are seen at once.
   * Without it, such a file is chunked on this thread like the small ones.
   */
  recomputeOn?: () => Executor;
};

/**
 * Plans `files` through the cache: each file is read and hashed on the main thread, and is a hit when
 * the store holds an entry under its key (`runKey`, key.ts, plus its content); the others are misses
 * for the executor, or done when the reader would skip them. Counts the misses in the store's stats.
 * An aborted `options.signal` rejects with code "interrupted" (checked every few MiB read).
 */
export async function planCached(
  store: EntryStore,
  runKey: string,
  files: readonly DiscoveredFile[],
  options: RunOptions = {},
): Promise<CachePlan> {
  const { limits } = options;
  const plans: Plan[] = [];
  let readSinceTurn = 0;
  for (const file of files) {
    // Every file is read and hashed here, on the main thread: turn the event loop every few MiB so
    // a signal is acted on at once, not after the whole tree was read.
    if (readSinceTurn >= 4 << 20) {
      readSinceTurn = 0;
      await Bun.sleep(0);
      if (options.signal?.aborted) throw new WeftError("interrupted", "run interrupted");
    }
    readSinceTurn += file.size;
    plans.push(planOf(file));
  }
  function planOf(file: DiscoveredFile): Plan {
    const bytes = readForKey(file, limits);
    if (bytes === undefined) {
      const read = readDiscovered(file, limits); // why not (or, if it changed meanwhile, its bytes)
      return "bytes" in read ? { kind: "miss", file, key: "", digest: "" } : { kind: "done", file, result: read };
    }
    const contentDigest = digest(bytes);
    const key = fileKey(runKey, file, contentDigest);
    if (store.has(key)) return { kind: "hit", file, key, digest: contentDigest };
    // The reader's content checks, so a file they skip costs no worker: a hit needs none, since
    // they depend on the bytes and the options alone (both in the key) and skipped files have no entry.
    const skip = limits && contentSkip(bytes.subarray(0, HEAD_BYTES), limits.skipMinified);
    return skip
      ? { kind: "done", file, result: skippedResult(file, skip) }
      : { kind: "miss", file, key, digest: contentDigest };
  }
  const misses = plans.filter((p) => p.kind === "miss");
  store.stats.misses += misses.length;
  return { plans, misses: misses.map((p) => p.file) };
}

/**
 * Runs a planned cached run: a hit is never parsed (its entry is read and checked when its turn
 * comes); the misses go to the executor, and their chunked results are stored (never a degraded one,
 * nor one whose chunks do not rebuild the bytes that were hashed, say of a file edited mid-run).
 * `deliver` gets every file once, in file order. A hit is emitted only when its records rebuild the
 * file's bytes as read again when its turn comes (verify.ts); a corrupt or forged entry is recomputed
 * on this thread, counted, and rewritten when it can be.
 */
export async function runCached(
  run: CachedRun,
  { plans, misses }: CachePlan,
  governor: Governor,
  deliver: (d: Delivery) => void,
  options: RunOptions = {},
): Promise<void> {
  const { store, executor } = run;
  const { limits } = options;

  /** Delivers a result chunked in this run, and stores it when it may be; returns whether it was stored. */
  const fresh = (plan: Extract<Plan, { key: string }>, result: FileResult): boolean => {
    if (result.status !== "chunked" || result.degraded !== undefined) return (deliver({ result }), false);
    const jsonl = toJsonl(result);
    // Stored only if the file still has the bytes that were keyed and the records rebuild them
    // exactly: a file edited while weft ran is emitted as chunked, never stored under the old key.
    const now = plan.digest === "" ? undefined : readForKey(plan.file, limits);
    const stored =
      now !== undefined &&
      digest(now) === plan.digest &&
      chunksRebuild(result.chunks, now) &&
      store.write(plan.key, result, jsonl);
    deliver({ result, jsonl });
    return stored;
  };
  let recomputer: Executor | undefined;
  /** A file whose entry could not be used, chunked now: small ones here, big ones on their own worker. */
  const recompute = async (file: DiscoveredFile): Promise<FileResult> => {
    if (file.size < AUTO_INLINE_FILE_BYTES || !run.recomputeOn) return processFile(file, governor, { limits });
    recomputer ??= run.recomputeOn();
    let result: FileResult | undefined;
    await recomputer.run([file], governor, (r) => void (result = r), options);
    if (!result)
      throw new WeftError("lost", `no result for ${file.path} when its cache entry was recomputed`, file.path);
    return result;
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
        // The file is read again: the records are checked against the bytes it has now.
        const bytes = entry && !("corrupt" in entry) ? readForKey(plan.file, limits) : undefined;
        const changed = bytes === undefined || digest(bytes) !== plan.digest;
        const problem =
          entry === undefined
            ? undefined
            : "corrupt" in entry
              ? entry.corrupt
              : changed
                ? undefined
                : hitProblem(entry, plan.file, bytes!);
        if (entry && !("corrupt" in entry) && !changed && problem === undefined) {
          store.stats.hits++;
          deliver({ cached: entry });
        } else {
          // Corrupt or forged; evicted by a concurrent run since it was seen; or the file changed
          // since it was keyed: chunk it here and now.
          if (problem !== undefined) {
            store.stats.corrupt++;
            store.stats.corruptFirst ??= `${plan.file.path}: ${problem}`;
          } else store.stats.misses++;
          const rewritten = fresh(plan, await recompute(plan.file));
          if (problem !== undefined && rewritten) store.stats.repaired++;
        }
      }
      if (next % 256 === 255) await Bun.sleep(0); // signals and output-closed are seen between files
    }
  };
  try {
    await runAll();
  } finally {
    await recomputer?.close();
  }
  async function runAll(): Promise<void> {
    await executor.run(
      misses,
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
