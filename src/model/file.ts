import * as v from "valibot";

/** How a file's language was decided. */
export const LanguageSourceSchema = v.picklist(["extension", "filename", "shebang", "map", "default"]);

/** A file found by discovery, numbered in output order before any work goes parallel. */
export const DiscoveredFileSchema = v.object({
  /** Position in the run's sorted file list; results are emitted in this order. */
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** The path as the user should see it (relative when the root was given relative). */
  path: v.string(),
  /** Absolute path used to read the file. */
  absPath: v.string(),
  /** Language id from the language table, or "text". */
  language: v.string(),
  languageSource: LanguageSourceSchema,
  /** Size in bytes at discovery time. */
  size: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type DiscoveredFile = v.InferOutput<typeof DiscoveredFileSchema>;

/** Why a file was not chunked. Every skip carries one of these and a human detail. */
export const SkipReasonSchema = v.picklist([
  "binary",
  "too-large",
  "minified",
  "unreadable",
  "not-found",
  "broken-symlink",
  "symlink-not-followed",
  "symlink-outside-root",
  "symlink-loop",
  "not-regular-file",
]);
export type SkipReason = v.InferOutput<typeof SkipReasonSchema>;

/** A file that was deliberately not chunked, with the reason. */
export const SkipRecordSchema = v.object({
  path: v.string(),
  reason: SkipReasonSchema,
  detail: v.string(),
});
export type SkipRecord = v.InferOutput<typeof SkipRecordSchema>;

/** Which shard of a split run to keep: shard `index` (1-based) of `count`. */
export const ShardSchema = v.object({
  index: v.pipe(v.number(), v.integer(), v.minValue(1)),
  count: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export type Shard = v.InferOutput<typeof ShardSchema>;

/** Everything discovery needs to know: which paths, which rules, which limits. Plain data. */
export const DiscoveryOptionsSchema = v.object({
  /** Files and directories named on the command line (trusted: a symlink named here is followed). */
  paths: v.array(v.string()),
  /** Paths read from a list (stdin): treated like entries found by walking (symlink policy applies). */
  listed: v.array(v.string()),
  /** Directory relative paths are resolved against. */
  cwd: v.string(),
  /** Honour .gitignore, .git/info/exclude, .ignore and .weftignore. */
  ignoreFiles: v.boolean(),
  /** Include hidden files and directories (names starting with "."). */
  hidden: v.boolean(),
  /** Follow symlinks (links leading outside the roots are still skipped). */
  follow: v.boolean(),
  /** gitignore-style globs: when non-empty, a file must match one of them. */
  include: v.array(v.string()),
  /** gitignore-style globs: files and directories matching one are left out. */
  exclude: v.array(v.string()),
  /** Language ids to keep (empty: all). */
  languages: v.array(v.string()),
  /** Extension or exact file name -> language id, overriding detection. */
  map: v.record(v.string(), v.string()),
  /** Files larger than this many bytes are skipped. */
  maxFileSize: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Skip files that look minified or generated (very long average line length). */
  skipMinified: v.boolean(),
  shard: v.optional(ShardSchema),
  /**
   * Open every file during discovery to check that it reads and what its first 8 KiB hold (binary,
   * minified). When false, discovery only stats files (extensionless ones are still opened for a
   * shebang) and whoever reads them must use `readFileChecked`, which makes the same checks.
   */
  checkContent: v.boolean(),
  /** Real paths of directories weft keeps its own files in (chunk and parser caches): left out of walks like .git. */
  leaveOut: v.optional(v.array(v.string())),
});
export type DiscoveryOptions = v.InferOutput<typeof DiscoveryOptionsSchema>;

/**
 * The checks discovery leaves to the reader when it ran with `checkContent` off (the same limits,
 * so the same files are skipped with the same details): size, binary, minified.
 */
export const ReadLimitsSchema = v.object({
  maxFileSize: v.pipe(v.number(), v.integer(), v.minValue(1)),
  skipMinified: v.boolean(),
});
export type ReadLimits = v.InferOutput<typeof ReadLimitsSchema>;

/** What discovery found: the files to chunk (sorted, indexed) and the skips (sorted by path). */
export type Discovery = { files: DiscoveredFile[]; skipped: SkipRecord[] };
