import * as v from "valibot";
import { ChunkSchema } from "./chunk.ts";
import { SkipReasonSchema, type SkipRecord } from "./file.ts";
import { StrategySchema } from "./selection.ts";

/** Where in the pipeline a failure happened. */
export const StageSchema = v.picklist(["discover", "read", "select", "chunk", "execute", "emit"]);
export type Stage = v.InferOutput<typeof StageSchema>;

/** A per-file failure as data: code, path, stage and a one-line message. */
export const FailureRecordSchema = v.object({
  path: v.string(),
  stage: StageSchema,
  code: v.string(),
  message: v.string(),
});
export type FailureRecord = v.InferOutput<typeof FailureRecordSchema>;

/** A file chunked by a fallback because its parser could not be loaded, and why (one line). */
export const DegradationSchema = v.object({ path: v.string(), reason: v.string() });
export type Degradation = v.InferOutput<typeof DegradationSchema>;

const position = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * A stretch of a parsed file inside syntax ERROR nodes that the tree does not hold (no whole
 * statement or declaration there), cut by the language's delimiter rules instead.
 */
export const RecoveredRegionSchema = v.object({
  /** UTF-8 byte offsets into the file on disk, end exclusive. */
  byte_start: position,
  byte_end: position,
  /** 1-based, inclusive. */
  line_start: v.pipe(v.number(), v.integer(), v.minValue(1)),
  line_end: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** The rules that cut it. */
  rule: v.literal("delimiter"),
});
export type RecoveredRegion = v.InferOutput<typeof RecoveredRegionSchema>;

/** A file chunked partly by delimiter rules because of syntax errors, and where. */
export const RecoverySchema = v.object({ path: v.string(), regions: v.array(RecoveredRegionSchema) });
export type Recovery = v.InferOutput<typeof RecoverySchema>;

/** The outcome of chunking one file: exactly one of chunked, skipped or failed. */
export const FileResultSchema = v.variant("status", [
  v.object({
    status: v.literal("chunked"),
    index: v.pipe(v.number(), v.integer(), v.minValue(0)),
    path: v.string(),
    strategy: StrategySchema,
    reason: v.string(),
    /** Set when the file was chunked by a fallback because its parser could not be loaded: why. */
    degraded: v.optional(v.string()),
    /** Set when syntax ERROR regions were cut by delimiter rules (the rest followed the tree). */
    recovered: v.optional(v.pipe(v.array(RecoveredRegionSchema), v.minLength(1))),
    chunks: v.array(ChunkSchema),
  }),
  v.object({
    status: v.literal("skipped"),
    index: v.pipe(v.number(), v.integer(), v.minValue(0)),
    path: v.string(),
    reason: SkipReasonSchema,
    detail: v.string(),
  }),
  v.object({
    status: v.literal("failed"),
    index: v.pipe(v.number(), v.integer(), v.minValue(0)),
    failure: FailureRecordSchema,
  }),
]);
export type FileResult = v.InferOutput<typeof FileResultSchema>;

/** The result of a file that failed at `stage`, with an error code and a one-line message. */
export function failedResult(
  file: { index: number; path: string },
  stage: Stage,
  code: string,
  message: string,
): FileResult {
  return { status: "failed", index: file.index, failure: { path: file.path, stage, code, message } };
}

/** The result of a file skipped for `reason`. */
export function skippedResult(
  file: { index: number; path: string },
  skip: Pick<SkipRecord, "reason" | "detail">,
): FileResult {
  return { status: "skipped", index: file.index, path: file.path, reason: skip.reason, detail: skip.detail };
}
