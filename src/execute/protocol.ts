import * as v from "valibot";
import { DiscoveredFileSchema } from "../model/file.ts";
import { GovernorSchema } from "../model/governor.ts";
import { FileResultSchema } from "../model/result.ts";

const id = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Per-language result of loading and parsing a sample inside a worker. */
export const ProbeEntrySchema = v.object({ id: v.string(), ok: v.boolean(), root: v.optional(v.string()), error: v.optional(v.string()) });
export type ProbeEntry = v.InferOutput<typeof ProbeEntrySchema>;

/** Messages from the main thread to a worker. Validated on both sides. */
export const WorkerRequestSchema = v.variant("type", [
  /** Chunk these files (the worker reads them itself) under this governor. */
  v.object({ type: v.literal("chunk"), batchId: id, governor: GovernorSchema, files: v.array(DiscoveredFileSchema) }),
  /** Parse a tiny sample in each language and report the root kind (parser load check). */
  v.object({ type: v.literal("probe"), batchId: id, languages: v.array(v.string()) }),
]);
export type WorkerRequest = v.InferOutput<typeof WorkerRequestSchema>;

/** Messages from a worker to the main thread. Validated on both sides. */
export const WorkerResponseSchema = v.variant("type", [
  v.object({ type: v.literal("results"), batchId: id, results: v.array(FileResultSchema) }),
  v.object({ type: v.literal("probe-result"), batchId: id, languages: v.array(ProbeEntrySchema) }),
  /** The worker caught an error it could not attribute to one file. */
  v.object({ type: v.literal("error"), batchId: id, code: v.string(), message: v.string() }),
]);
export type WorkerResponse = v.InferOutput<typeof WorkerResponseSchema>;
