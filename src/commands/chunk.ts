import { defineCommand } from "citty";
import * as v from "valibot";
import { governorArgs, governorFromArgs } from "../chunkers/governorArgs.ts";
import { DEFAULT_CACHE_MAX_BYTES } from "../cache/store.ts";
import { discoveryArgs, discoveryOptionsFromArgs, parseSize } from "../discover/args.ts";
import { ExecutorChoiceSchema } from "../execute/choose.ts";
import { errorMessage, WeftError } from "../model/errors.ts";
import { FormatSchema } from "../output/formats.ts";
import { EXIT } from "./exitCodes.ts";
import { runChunk, type ChunkOptions } from "./runChunk.ts";

const args = {
  ...discoveryArgs,
  ...governorArgs,
  format: {
    type: "string",
    valueHint: "jsonl|json|text",
    default: "jsonl",
    description: "Output: JSON Lines (one chunk per line), one JSON document grouped by file, or a text preview",
  },
  executor: {
    type: "string",
    valueHint: "auto|inline|workers",
    default: "auto",
    description: "Where chunking runs; auto runs small jobs (< 1 MiB) inline and the rest on workers",
  },
  workers: { type: "string", valueHint: "N", description: "Worker count (default: number of cores)" },
  timeout: {
    type: "string",
    valueHint: "SECONDS",
    default: "30",
    description: "Stop a file that takes longer than this, report it and go on (workers only; 0 = no limit)",
  },
  quiet: { type: "boolean", description: "No summary, skip lines or progress on stderr (failures are still reported)" },
  "summary-json": {
    type: "string",
    valueHint: "FILE",
    description: "Write the run's summary (counts, failures, skips) as JSON to FILE",
  },
  skipped: { type: "string", valueHint: "FILE", description: "Write skipped files and reasons to FILE as JSON Lines" },
  cache: {
    type: "string",
    valueHint: "DIR",
    description:
      "Reuse the records of files chunked before (same content, weft build and options) from DIR (default: off)",
  },
  "cache-max-size": {
    type: "string",
    valueHint: "SIZE",
    description: "Bound on --cache DIR; least recently used entries go first (default 1G; K/M/G)",
  },
} as const;

/** Parses a number flag; anything else is a usage error naming the flag. */
function numberArg(name: string, raw: string, min: number, integer: boolean): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new WeftError("usage", `--${name} must be ${integer ? "an integer" : "a number"} >= ${min}, got "${raw}"`);
  }
  return n;
}

/**
 * The most workers a run may ask for: twice the cores. Chunking is CPU-bound, so more workers add
 * only memory (each holds a parser, tokenizer tables and a heap: 64 workers on 2 cores took 614 MB).
 */
export function maxWorkers(cores: number = navigator.hardwareConcurrency || 1): number {
  return 2 * cores;
}

function workersArg(raw: string): number {
  const n = numberArg("workers", raw, 1, true);
  const max = maxWorkers();
  if (n > max)
    throw new WeftError(
      "usage",
      `--workers must be at most ${max} (twice the ${max / 2} cores here; more workers only cost memory), got "${raw}"`,
    );
  return n;
}

function pick<T extends string>(name: string, schema: v.PicklistSchema<T[], undefined>, raw: string): T {
  const parsed = v.safeParse(schema, raw);
  if (!parsed.success)
    throw new WeftError("usage", `--${name} must be one of ${schema.options.join(", ")}, got "${raw}"`);
  return parsed.output;
}

function cacheArgs(a: Record<string, unknown>): ChunkOptions["cache"] {
  const size = a["cache-max-size"];
  if (typeof a.cache !== "string") {
    if (size !== undefined) throw new WeftError("usage", "--cache-max-size needs --cache DIR");
    return undefined;
  }
  if (a.cache === "") throw new WeftError("usage", "--cache needs a directory");
  let maxBytes = DEFAULT_CACHE_MAX_BYTES;
  try {
    if (size !== undefined) maxBytes = parseSize(String(size));
  } catch {
    throw new WeftError("usage", `--cache-max-size: expected a size such as 1G, 500M or 65536, got "${String(size)}"`);
  }
  return { dir: a.cache, maxBytes };
}

type ParsedArgs = Parameters<typeof governorFromArgs>[0] &
  Parameters<typeof discoveryOptionsFromArgs>[0] &
  Record<string, unknown>;

/** Turns parsed flags into validated ChunkOptions (a WeftError with code "usage" on bad values). */
export async function chunkOptionsFromArgs(a: ParsedArgs, rawArgs: readonly string[]): Promise<ChunkOptions> {
  return {
    discovery: await discoveryOptionsFromArgs(a, rawArgs),
    governor: governorFromArgs(a),
    format: pick("format", FormatSchema, String(a.format)),
    executor: pick("executor", ExecutorChoiceSchema, String(a.executor)),
    workers: a.workers === undefined ? undefined : workersArg(String(a.workers)),
    timeoutMs: numberArg("timeout", String(a.timeout), 0, false) * 1000,
    quiet: a.quiet === true,
    summaryJson: typeof a["summary-json"] === "string" ? a["summary-json"] : undefined,
    skippedFile: typeof a.skipped === "string" ? a.skipped : undefined,
    cache: cacheArgs(a),
  };
}

export default defineCommand({
  meta: { name: "chunk", description: "Chunk files and directories; one JSON object per chunk on stdout" },
  args,
  async run({ args: parsed, rawArgs }) {
    try {
      process.exitCode = await runChunk(await chunkOptionsFromArgs(parsed as ParsedArgs, rawArgs));
    } catch (err) {
      if (!(err instanceof WeftError && err.code === "usage")) throw err;
      process.stderr.write(`weft: ${errorMessage(err)}\n`);
      process.exitCode = EXIT.usage;
    }
  },
});
