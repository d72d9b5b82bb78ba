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
  "invalid-utf8",
  "unreadable",
  "broken-symlink",
  "symlink-outside-root",
  "symlink-loop",
  "not-regular-file",
  "ignored-language",
]);
export type SkipReason = v.InferOutput<typeof SkipReasonSchema>;

/** A file that was deliberately not chunked, with the reason. */
export const SkipRecordSchema = v.object({
  path: v.string(),
  reason: SkipReasonSchema,
  detail: v.string(),
});
export type SkipRecord = v.InferOutput<typeof SkipRecordSchema>;
