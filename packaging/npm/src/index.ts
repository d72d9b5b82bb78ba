// The typed API of the npm package (Node >= 18 and Bun): `chunk()` runs the weft binary of this
// machine's platform package and yields its records as they are written.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { binaryPath } from "./platform.js";
import type { ChunkRecord } from "./records.js";

export type { ChunkRecord, InvalidUtf8, RunSummary } from "./records.js";
export { binaryPath, BinaryNotFoundError, platformPackage } from "./platform.js";

/** What `chunk()` takes: each field is the `weft chunk` option of the same name (see `weft chunk --help`). */
export type ChunkOptions = {
  /** Directory the paths are relative to, and where weft runs (default: process.cwd()). */
  cwd?: string;
  /** Chunk budget in tokens (--max-tokens). */
  maxTokens?: number;
  /** How tokens are counted (--tokenizer). */
  tokenizer?: "o200k" | "cl100k" | "chars" | "bytes";
  /** Embedding model preset (--model; `weft models` lists them). */
  model?: string;
  /** Add a `context` header to each record (--context). */
  context?: boolean;
  /** Lines before each chunk to put in `overlap_before` (--overlap-lines). */
  overlapLines?: number;
  /** Only files matching these gitignore-style globs (--include). */
  include?: readonly string[];
  /** Leave out files and directories matching these globs (--exclude). */
  exclude?: readonly string[];
  /** Only these language ids (--lang). */
  languages?: readonly string[];
  /** Extension or file name -> language id (--map EXT=LANG). */
  map?: Readonly<Record<string, string>>;
  /** Include hidden files (--hidden). */
  hidden?: boolean;
  /** Follow symbolic links inside the roots (--follow). */
  follow?: boolean;
  /** Honour .gitignore and the other ignore files (default true; false is --no-ignore). */
  ignoreFiles?: boolean;
  /** Skip files larger than this: bytes, or "10M" and the like (--max-file-size). */
  maxFileSize?: number | string;
  /** Skip files that look minified (default true; false is --no-skip-minified). */
  skipMinified?: boolean;
  /** Where chunking runs (--executor). */
  executor?: "auto" | "inline" | "workers";
  /** Worker count (--workers). */
  workers?: number;
  /** Per-file time limit in seconds (--timeout). */
  timeoutSeconds?: number;
  /** Reuse records from this cache directory (--cache). */
  cache?: string;
  /** Stops the run: the binary is sent SIGTERM and the iteration throws the signal's reason. */
  signal?: AbortSignal;
  /** The weft binary to run (default: WEFT_BINARY, else the installed platform package's). */
  binary?: string;
  /** The binary's environment (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
};

/** A weft run that did not succeed: its exit code (see `weft --help`) and what it said on stderr. */
export class WeftRunError extends Error {
  override name = "WeftRunError";
  constructor(
    message: string,
    /** weft's exit code: 1 some files failed, 2 usage error, 3 internal error, 4 degraded; null when killed by a signal. */
    readonly exitCode: number | null,
    /** The signal that ended the binary, if one did. */
    readonly signal: string | null,
    /** Everything weft wrote on stderr (at most the last 64 KiB). */
    readonly stderr: string,
  ) {
    super(message);
  }
}

const STDERR_KEEP = 64 * 1024;

/** The `weft chunk` command line for `paths` and `options` (the paths after `--`, so none is read as an option). */
export function chunkArgs(paths: readonly string[], options: ChunkOptions = {}): string[] {
  const o = options;
  const args = ["chunk", "--format", "jsonl", "--quiet"];
  const value = (flag: string, v: string | number | undefined) => {
    if (v !== undefined) args.push(`--${flag}`, String(v));
  };
  const each = (flag: string, vs: readonly string[] | undefined) => vs?.forEach((v) => value(flag, v));
  value("max-tokens", o.maxTokens);
  value("tokenizer", o.tokenizer);
  value("model", o.model);
  if (o.context) args.push("--context");
  value("overlap-lines", o.overlapLines);
  each("include", o.include);
  each("exclude", o.exclude);
  if (o.languages?.length) value("lang", o.languages.join(","));
  each("map", o.map && Object.entries(o.map).map(([ext, lang]) => `${ext}=${lang}`));
  if (o.hidden) args.push("--hidden");
  if (o.follow) args.push("--follow");
  if (o.ignoreFiles === false) args.push("--no-ignore");
  value("max-file-size", o.maxFileSize);
  if (o.skipMinified === false) args.push("--no-skip-minified");
  value("executor", o.executor);
  value("workers", o.workers);
  value("timeout", o.timeoutSeconds);
  value("cache", o.cache);
  return [...args, "--", ...paths];
}

/**
 * Chunks files and directories with weft: yields each record as weft writes it, in weft's order
 * (files sorted, chunks in file order). Resolves when weft exits 0; otherwise throws a
 * WeftRunError carrying the exit code and weft's stderr, after the records written before.
 * Stopping the iteration early (break) or aborting `options.signal` stops the binary.
 */
export async function* chunk(
  paths: string | readonly string[],
  options: ChunkOptions = {},
): AsyncGenerator<ChunkRecord> {
  options.signal?.throwIfAborted();
  const list = typeof paths === "string" ? [paths] : [...paths];
  const bin = options.binary ?? binaryPath(options.env ?? process.env);
  const child = spawn(bin, chunkArgs(list, options), {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    windowsHide: true,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => {
    stderr = (stderr + s).slice(-STDERR_KEEP);
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  // The spawn error (a binary that is missing or not executable) surfaces where the exit is awaited.
  exited.catch(() => {});
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  options.signal?.addEventListener("abort", stop, { once: true });
  let finished = false;
  try {
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    for await (const line of lines) {
      if (options.signal?.aborted) break;
      if (line !== "") yield JSON.parse(line) as ChunkRecord;
    }
    const { code, signal } = await exited;
    finished = true;
    options.signal?.throwIfAborted();
    if (code !== 0) {
      const first = stderr.split("\n").find((l) => l.trim() !== "");
      const what = code === null ? `was stopped by ${signal}` : `exited with code ${code}`;
      throw new WeftRunError(first ?? `weft ${what}`, code, signal, stderr);
    }
  } finally {
    options.signal?.removeEventListener("abort", stop);
    if (!finished) {
      // Left early (break, a throw in the loop body, an abort): stop the binary and wait for it.
      stop();
      await exited.catch(() => {});
    }
  }
}
