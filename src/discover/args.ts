import type { OptionTable, Values } from "../model/optionTable.ts";
import type { DiscoveryOptions } from "../model/file.ts";
import { WeftError } from "../model/errors.ts";
import { knownLanguageIds } from "./detect.ts";
import { currentDirectory } from "./fsNames.ts";
import { decodePath } from "./pathBytes.ts";

/** Default --max-file-size: 10 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/** The discovery entries of the option table, shared by `weft files` and `weft chunk` (spread them into its options). */
export const discoveryArgs = {
  paths: { type: "positional", required: false, description: "Files and directories to walk (default: .)" },
  stdin: { type: "boolean", description: "Read paths to process from stdin, one per line" },
  null: { type: "boolean", alias: "0", description: "With --stdin: paths are NUL-separated (git ls-files -z)" },
  hidden: { type: "boolean", description: "Include hidden files and directories" },
  ignore: {
    type: "boolean",
    default: true,
    description: "Honour .gitignore, .git/info/exclude, .ignore, .weftignore",
    negativeDescription: "Do not read ignore files",
  },
  follow: { type: "boolean", description: "Follow symbolic links (never to outside the given roots)" },
  include: {
    type: "string",
    repeatable: true,
    valueHint: "glob",
    description: "Only files matching this gitignore-style glob (repeatable)",
  },
  exclude: {
    type: "string",
    repeatable: true,
    valueHint: "glob",
    description: "Leave out files and directories matching this glob (repeatable)",
  },
  lang: {
    type: "string",
    repeatable: true,
    valueHint: "ids",
    description: "Only these languages, comma-separated (repeatable; see `weft languages`)",
  },
  map: {
    type: "string",
    repeatable: true,
    valueHint: "EXT=LANG",
    description: "Treat files with this extension (or exact name) as LANG (repeatable)",
  },
  "max-file-size": {
    type: "string",
    valueHint: "size",
    default: "10M",
    description: "Skip files larger than this (bytes, or with K, M, G)",
  },
  "skip-minified": {
    type: "boolean",
    default: true,
    description: "Skip files that look minified or generated",
    negativeDescription: "Chunk minified-looking files too",
  },
  shard: {
    type: "string",
    valueHint: "K/N",
    description: "Keep only shard K of N (1-based), by a stable hash of each path",
  },
} as const satisfies OptionTable;

/** The parsed discovery options; a missing one has its default. */
export type DiscoveryValues = Partial<Values<typeof discoveryArgs>>;

/**
 * DiscoveryOptions from the parsed options, with no `listed` paths yet: `withListed` reads them
 * from stdin once the whole command line has been checked. Bad values throw a WeftError with code
 * "usage" and a one-line message.
 */
export function discoveryOptions(values: DiscoveryValues, cwd: string = currentDirectory()): DiscoveryOptions {
  const known = new Set(knownLanguageIds());
  const languages = (values.lang ?? [])
    .flatMap((v) => v.split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const id of languages)
    if (!known.has(id)) throw usage(`--lang: unknown language "${id}" (see \`weft languages\`)`);
  const entries: [string, string][] = [];
  for (const entry of values.map ?? []) {
    const m = /^\.?([^=]+)=(.+)$/.exec(entry);
    if (!m) throw usage(`--map: expected EXT=LANG, got "${entry}"`);
    const lang = m[2]!.trim();
    if (!known.has(lang)) throw usage(`--map ${entry}: unknown language "${lang}" (see \`weft languages\`)`);
    const key = m[1]!.trim();
    entries.push([key, lang], [key.toLowerCase(), lang]); // Extensions are matched in lower case, exact names as written.
  }
  // fromEntries defines own properties, so a key such as "__proto__" is kept rather than setting the prototype.
  const map: Record<string, string> = Object.fromEntries(entries);
  if (values.null && !values.stdin) throw usage("-0/--null only applies with --stdin");
  const paths = values.paths ?? [];
  return {
    paths: paths.length > 0 ? paths : values.stdin ? [] : ["."],
    listed: [],
    cwd,
    ignoreFiles: values.ignore !== false,
    hidden: values.hidden === true,
    follow: values.follow === true,
    include: values.include ?? [],
    exclude: values.exclude ?? [],
    languages: [...new Set(languages)],
    map,
    maxFileSize: parseSize(values["max-file-size"] ?? "10M"),
    skipMinified: values["skip-minified"] !== false,
    shard: values.shard === undefined ? undefined : parseShard(values.shard),
    checkContent: true,
  };
}

/** How --stdin lists paths: one per line, or NUL-separated with -0; undefined without --stdin. */
export type StdinList = { nul: boolean } | undefined;

/** The stdin list the options ask for (discoveryOptions has checked that -0 comes with --stdin). */
export function stdinList(values: DiscoveryValues): StdinList {
  return values.stdin ? { nul: values.null === true } : undefined;
}

/** Where --stdin's list comes from: its bytes, in pieces (stdin is read as a stream, never held whole). */
export type ListSource = () => AsyncIterable<Uint8Array>;

/**
 * `discovery` with the paths listed on stdin, when --stdin asked for them; `read` is called only
 * then. The list is parsed as it streams in: only the distinct paths are kept (`yes a.py | weft
 * chunk --stdin` holds one), and a path longer than PATH_MAX is a usage error, so stdin that is
 * not a list (`< /dev/zero`) stops at once instead of filling memory.
 */
export async function withListed(
  discovery: DiscoveryOptions,
  stdin: StdinList,
  read: ListSource = () => Bun.stdin.stream(),
): Promise<DiscoveryOptions> {
  if (!stdin) return discovery;
  const list = createListParser(stdin.nul);
  let sinceTurn = 0;
  for await (const piece of read()) {
    list.push(piece);
    // A stream that always has data (a file, /dev/zero) continues in microtasks only: turn the
    // event loop every MiB so signal handlers get to run.
    if ((sinceTurn += piece.length) >= 1 << 20) {
      sinceTurn = 0;
      await Bun.sleep(0);
    }
  }
  return { ...discovery, listed: list.end() };
}

/** The longest listed path weft takes, in bytes: Linux's PATH_MAX (4096, the terminating NUL included). */
export const MAX_LISTED_PATH_BYTES = 4095;

/**
 * A newline- (or NUL-) separated list of paths, parsed piece by piece: blank entries are dropped,
 * a CR before a newline too, a byte-order mark at the start, and repeats. Names that are not valid
 * UTF-8 keep their bytes (see pathBytes.ts). `end` returns the distinct paths in the order first
 * listed. An entry over MAX_LISTED_PATH_BYTES throws a usage error.
 */
export function createListParser(nul: boolean): { push(piece: Uint8Array): void; end(): string[] } {
  const sep = nul ? 0 : 0x0a;
  const seen = new Set<string>();
  let pending: Uint8Array[] = []; // the start of the current entry, from earlier pieces
  let pendingBytes = 0;
  let first = true;
  let count = 0;
  const add = (entry: Uint8Array) => {
    count++;
    let bytes = entry;
    if (first) {
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (!nul && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    if (bytes.length > MAX_LISTED_PATH_BYTES) throw tooLong(count);
    if (bytes.length > 0) seen.add(decodePath(bytes));
  };
  return {
    push(piece) {
      let from = 0;
      for (let at = piece.indexOf(sep); at !== -1; at = piece.indexOf(sep, from)) {
        const part = piece.subarray(from, at);
        if (pending.length > 0) {
          add(Buffer.concat([...pending, part]));
          pending = [];
          pendingBytes = 0;
        } else add(part);
        from = at + 1;
      }
      if (from < piece.length) {
        // Copied: the stream may reuse its buffer. An entry already too long is refused now, not at its end.
        pending.push(piece.slice(from));
        pendingBytes += piece.length - from;
        if (pendingBytes > MAX_LISTED_PATH_BYTES + 3) throw tooLong(count + 1);
      }
    },
    end() {
      if (pending.length > 0) add(Buffer.concat(pending));
      pending = [];
      return [...seen];
    },
  };
}

function tooLong(entry: number): WeftError {
  return usage(
    `--stdin: listed path ${entry} is longer than ${MAX_LISTED_PATH_BYTES + 1} bytes (PATH_MAX): stdin is not a list of paths (one per line, or NUL-separated with -0)`,
  );
}

function usage(message: string): WeftError {
  return new WeftError("usage", message);
}

/** Paths from a whole newline- (or NUL-) separated list: createListParser on one piece. */
export function parsePathList(bytes: Uint8Array, nul: boolean): string[] {
  const list = createListParser(nul);
  list.push(bytes);
  return list.end();
}

/** "10M", "512k", "1.5GB", "2048" -> bytes (K/M/G are powers of 1024). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2] ?? "").toLowerCase()];
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1)
    throw usage(`--max-file-size: expected a size such as 10M, 512K or 2048, got "${text}"`);
  return bytes;
}

/** "K/N" -> { index: K, count: N } with 1 <= K <= N. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw usage(`--shard: expected K/N with 1 <= K <= N (e.g. 1/4), got "${text}"`);
  return { index, count };
}
