import { statSync } from "node:fs";
import * as v from "valibot";
import { DEFAULT_SECTIONS } from "../../diagnostics/run.ts";
import { governorFromArgs } from "../chunkers/governorArgs.ts";
import { DEFAULT_CACHE_MAX_BYTES } from "../cache/store.ts";
import { discoveryOptions, parseSize, stdinList, type StdinList } from "../discover/args.ts";
import { ExecutorChoiceSchema } from "../execute/choose.ts";
import { SectionSchema, type Section } from "../model/diagnosis.ts";
import { WeftError } from "../model/errors.ts";
import type { DiscoveryOptions } from "../model/file.ts";
import { FormatSchema } from "../output/formats.ts";
import type { Values } from "../model/optionTable.ts";
import type { CommandName, COMMANDS } from "./options.ts";
import type { ChunkOptions } from "../model/chunkOptions.ts";

type ValuesOf<K extends CommandName> = Values<(typeof COMMANDS)[K]["options"]>;

/** `weft chunk`: what runChunk takes, and whether to add the paths listed on stdin first. */
export type ChunkArgs = ChunkOptions & { stdin: StdinList };
/** `weft files`: what to discover and how to print it. */
export type FilesArgs = { discovery: DiscoveryOptions; stdin: StdinList; skipped: boolean; json: boolean };
/** `weft diagnose`: the sections to run and, with --path, the files to compare. */
export type DiagnoseArgs = { json: boolean; sections: Section[]; path?: string; limit: number };
/** `weft schema`: which document's schema. */
export type SchemaArgs = { summary: boolean };
/** `weft languages` and `weft models`. */
export type JsonArgs = { json: boolean };

function usage(message: string): WeftError {
  return new WeftError("usage", message);
}

/**
 * Parses a number flag written in decimal digits (with a fraction unless `integer`): no sign, space,
 * exponent or hex, which Number() would take ("0x2", " 16", "1e1"). Anything else is a usage error naming the flag.
 */
function numberArg(name: string, raw: string, min: number, integer: boolean): number {
  const n = (integer ? /^\d+$/ : /^\d+(?:\.\d+)?$/).test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n < min || (integer && !Number.isSafeInteger(n)))
    throw usage(`--${name} must be ${integer ? "an integer" : "a number"} >= ${min}, got "${raw}"`);
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
    throw usage(
      `--workers must be at most ${max} (twice the ${max / 2} cores here; more workers only cost memory), got "${raw}"`,
    );
  return n;
}

function pick<T extends string>(name: string, schema: v.PicklistSchema<T[], undefined>, raw: string): T {
  const parsed = v.safeParse(schema, raw);
  if (!parsed.success) throw usage(`--${name} must be one of ${schema.options.join(", ")}, got "${raw}"`);
  return parsed.output;
}

/** `weft chunk`'s options, checked in the order its flags are listed in the usage. */
export function chunkArgs(a: ValuesOf<"chunk">): ChunkArgs {
  return {
    discovery: discoveryOptions(a),
    stdin: stdinList(a),
    governor: governorFromArgs(a),
    format: pick("format", FormatSchema, a.format),
    executor: pick("executor", ExecutorChoiceSchema, a.executor),
    workers: a.workers === undefined ? undefined : workersArg(a.workers),
    timeoutMs: numberArg("timeout", a.timeout, 0, false) * 1000,
    quiet: a.quiet,
    summaryJson: a["summary-json"],
    skippedFile: a.skipped,
    cache: cacheArgs(a["cache"], a["cache-max-size"]),
  };
}

/** --cache DIR and its bound; --cache-max-size alone is a usage error. */
function cacheArgs(dir: string | undefined, size: string | undefined): ChunkOptions["cache"] {
  if (dir === undefined) {
    if (size !== undefined) throw usage("--cache-max-size needs --cache DIR");
    return undefined;
  }
  if (dir === "") throw usage("--cache needs a directory");
  let maxBytes = DEFAULT_CACHE_MAX_BYTES;
  try {
    if (size !== undefined) maxBytes = parseSize(size);
  } catch {
    throw usage(`--cache-max-size: expected a size such as 1G, 500M or 65536, got "${size}"`);
  }
  return { dir, maxBytes };
}

/** `weft diagnose`'s options; a --path that is not a directory is a usage error. */
export function diagnoseArgs(a: ValuesOf<"diagnose">): DiagnoseArgs {
  let sections: Section[] = [...DEFAULT_SECTIONS];
  if (a.only !== undefined) {
    const asked = a.only
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = asked.filter((s) => !v.is(SectionSchema, s) || s === "path");
    if (bad.length > 0 || asked.length === 0)
      throw usage(`--only takes ${DEFAULT_SECTIONS.join(", ")}; got "${a.only}"`);
    sections = asked as Section[];
  }
  let limit = 200;
  if (a.limit !== undefined) {
    limit = /^\d+$/.test(a.limit) ? Number(a.limit) : Number.NaN;
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw usage(`--limit takes a positive whole number; got "${a.limit}"`);
    if (a.path === undefined) throw usage("--limit needs --path");
  }
  if (a.path !== undefined) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(a.path).isDirectory();
    } catch {
      throw usage(`--path ${a.path} does not exist`);
    }
    if (!isDirectory) throw usage(`--path ${a.path} is not a directory`);
  }
  return { json: a.json, sections, limit, ...(a.path !== undefined && { path: a.path }) };
}

/** Each command's builder: its parsed values in, its checked options out (a WeftError "usage" if bad). */
export const OPTIONS_OF = {
  chunk: chunkArgs,
  diagnose: diagnoseArgs,
  files: (a: ValuesOf<"files">): FilesArgs => ({
    discovery: discoveryOptions(a),
    stdin: stdinList(a),
    skipped: a.skipped,
    json: a.json,
  }),
  languages: (a: ValuesOf<"languages">): JsonArgs => ({ json: a.json }),
  models: (a: ValuesOf<"models">): JsonArgs => ({ json: a.json }),
  schema: (a: ValuesOf<"schema">): SchemaArgs => ({ summary: a.summary }),
} satisfies { [K in CommandName]: (values: ValuesOf<K>) => unknown };

export type CommandOptions = { [K in CommandName]: ReturnType<(typeof OPTIONS_OF)[K]> };
