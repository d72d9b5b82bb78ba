import * as v from "valibot";
import { ProbeEntrySchema } from "../languages/probe.ts";
import { DiscoveredFileSchema, ReadLimitsSchema } from "../model/file.ts";
import { GovernorSchema } from "../model/governor.ts";
import { FileResultSchema } from "../model/result.ts";
import { FaultSchema } from "./faults.ts";

const id = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Messages from the main thread to a worker. Validated on both sides. */
export const WorkerRequestSchema = v.variant("type", [
  /** First message to a pool worker: warm up (tokenizer tables, parsers) for this governor, then answer `ready`. */
  v.object({ type: v.literal("init"), governor: GovernorSchema }),
  /** Chunk these files in order (the worker reads them itself, checking them against `limits` when set) under this governor. */
  v.object({ type: v.literal("chunk"), batchId: id, governor: GovernorSchema, limits: v.optional(ReadLimitsSchema), files: v.array(DiscoveredFileSchema), faults: v.optional(v.array(FaultSchema)) }),
  /** Parse a tiny sample in each language and report the root kind (parser load check). */
  v.object({ type: v.literal("probe"), batchId: id, languages: v.array(v.string()) }),
  /**
   * Post `value` straight back (diagnostics: a structured-clone round trip). When `schema` names an
   * entry of the clone registry, the worker also validates what it received against that schema.
   */
  v.object({ type: v.literal("echo"), batchId: id, schema: v.optional(v.string()), value: v.unknown() }),
]);
export type WorkerRequest = v.InferOutput<typeof WorkerRequestSchema>;

/** Messages from a worker to the main thread. Validated on both sides. */
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
