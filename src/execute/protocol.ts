import * as v from "valibot";
import { ProbeEntrySchema } from "../languages/probe.ts";
import { DiscoveredFileSchema, ReadLimitsSchema } from "../model/file.ts";
import { GovernorSchema } from "../model/governor.ts";
import { describeIssues } from "../model/issues.ts";
import { FileResultSchema, RecoveredRegionSchema } from "../model/result.ts";
import { StrategySchema } from "../model/selection.ts";
import { FaultSchema } from "./faults.ts";

const id = v.pipe(v.number(), v.integer(), v.minValue(0));
const RankTablesSchema = v.strictObject({
  o200k: v.optional(v.instance(SharedArrayBuffer)),
  cl100k: v.optional(v.instance(SharedArrayBuffer)),
});

/** Messages from the main thread to a worker. Validated on both sides. */
export const WorkerRequestSchema = v.variant("type", [
  /**
   * First message to a pool worker: warm up (tokenizer tables, parsers) for this governor, then
   * answer `ready`. `rankTables`: the tokenizer's rank tables in shared memory, loaded once by the
   * main thread (rankTablesFor), so the worker neither reads nor holds a copy of its own.
   */
  v.object({ type: v.literal("init"), governor: GovernorSchema, rankTables: v.optional(RankTablesSchema) }),
  /** Chunk these files in order (the worker reads them itself, checking them against `limits` when set) under this governor. */
  v.object({
    type: v.literal("chunk"),
    batchId: id,
    governor: GovernorSchema,
    limits: v.optional(ReadLimitsSchema),
    files: v.array(DiscoveredFileSchema),
    faults: v.optional(v.array(FaultSchema)),
  }),
  /** Parse a tiny sample in each language and report the root kind (parser load check). */
  v.object({ type: v.literal("probe"), batchId: id, languages: v.array(v.string()) }),
  /**
   * Post `value` straight back (diagnostics: a structured-clone round trip). When `schema` names an
   * entry of the clone registry, the worker also validates what it received against that schema.
   */
  v.object({ type: v.literal("echo"), batchId: id, schema: v.optional(v.string()), value: v.unknown() }),
]);
export type WorkerRequest = v.InferOutput<typeof WorkerRequestSchema>;

/** Messages from a worker to the main thread: validated by the worker; checked by the main thread with checkWorkerResponse. */
export const WorkerResponseSchema = v.variant("type", [
  /** Answer to `init` once warmed up: a death or silence before it is a start-up failure, not a file's. */
  v.object({ type: v.literal("ready") }),
  /** One file's result, posted as soon as it is done (files of a batch come in batch order). */
  v.object({ type: v.literal("result"), batchId: id, result: FileResultSchema }),
  /** Every file of the batch has had its result posted. */
  v.object({ type: v.literal("batch-done"), batchId: id, count: id }),
  v.object({ type: v.literal("probe-result"), batchId: id, languages: v.array(ProbeEntrySchema) }),
  /** The echoed value as the worker received it; `issue` is set when it failed the named schema there. */
  v.object({ type: v.literal("echo-result"), batchId: id, value: v.unknown(), issue: v.optional(v.string()) }),
  /** The worker caught an error; `index` names the file it concerns when there is one. */
  v.object({ type: v.literal("error"), batchId: id, index: v.optional(id), code: v.string(), message: v.string() }),
]);
export type WorkerResponse = v.InferOutput<typeof WorkerResponseSchema>;

/**
 * A chunked result's envelope: every field but the chunks, which are checked for integrity only
 * (chunkIntegrity). The worker validated the whole result against FileResultSchema before posting
 * it (processFile), and structured clone keeps plain data intact, so validating every field of
 * every chunk again here cost the main thread as much as the worker's own check, for nothing.
 */
const ChunkedEnvelopeSchema = v.object({
  type: v.literal("result"),
  batchId: id,
  result: v.object({
    status: v.literal("chunked"),
    index: id,
    path: v.string(),
    strategy: StrategySchema,
    reason: v.string(),
    degraded: v.optional(v.string()),
    recovered: v.optional(v.array(RecoveredRegionSchema)),
    // Only that it is an array: v.array would copy it item by item, most of this check's cost (main-thread profile).
    chunks: v.custom<unknown[]>(Array.isArray, "an array"),
  }),
});

/**
 * Checks a message from a worker: a chunked result by its envelope and its chunks' integrity (each
 * an object of this file, numbered in order, tiling the file from byte 0 without gap or overlap,
 * with its id and content); every other message against WorkerResponseSchema. Returns the message
 * as received (the worker's validated copy, keys in schema order), or why it is not acceptable.
 */
export function checkWorkerResponse(data: unknown): { ok: WorkerResponse } | { issue: string } {
  const m = data as { type?: unknown; result?: { status?: unknown } } | null;
  if (m?.type !== "result" || m.result?.status !== "chunked") {
    const parsed = v.safeParse(WorkerResponseSchema, data);
    return parsed.success ? { ok: parsed.output } : { issue: describeIssues(parsed.issues) };
  }
  const envelope = v.safeParse(ChunkedEnvelopeSchema, data);
  if (!envelope.success) return { issue: describeIssues(envelope.issues) };
  const issue = chunkIntegrity(envelope.output.result.path, envelope.output.result.chunks);
  return issue ? { issue: `result.chunks.${issue}` } : { ok: data as WorkerResponse };
}

/** The first integrity problem of a file's chunks, as "index: what is wrong", or undefined. */
function chunkIntegrity(path: string, chunks: readonly unknown[]): string | undefined {
  let end = 0;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i] as Record<string, unknown> | null;
    if (typeof c !== "object" || c === null) return `${i}: not an object`;
    if (c.index !== i || c.count !== chunks.length)
      return `${i}: numbered ${String(c.index)} of ${String(c.count)}, expected ${i} of ${chunks.length}`;
    if (c.path !== path) return `${i}: of another file`;
    if (c.byte_start !== end || typeof c.byte_end !== "number" || !Number.isInteger(c.byte_end) || c.byte_end <= end)
      return `${i}: bytes ${String(c.byte_start)}..${String(c.byte_end)} do not continue at ${end}`;
    if (typeof c.id !== "string" || typeof c.content !== "string") return `${i}: id or content missing`;
    end = c.byte_end;
  }
  return undefined;
}
