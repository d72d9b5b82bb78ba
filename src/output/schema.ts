import { toJsonSchema } from "@valibot/to-json-schema";
import { ChunkSchema } from "../model/chunk.ts";
import { SummarySchema } from "./summary.ts";

/** A JSON Schema document (draft-07), as @valibot/to-json-schema produces it. */
export type JsonSchema = Record<string, unknown>;

/** The documents `weft schema` prints: what each one describes. */
export const SCHEMAS = {
  record: { title: "weft chunk record", description: "One line of `weft chunk` (JSON Lines): one chunk of one file." },
  summary: { title: "weft run summary", description: "What `weft chunk --summary-json FILE` writes." },
} as const;
export type SchemaName = keyof typeof SCHEMAS;

/**
 * The JSON Schema of an output document, generated from its valibot schema (model/chunk.ts,
 * output/summary.ts), so it can never drift from what weft validates and writes.
 */
export function jsonSchema(name: SchemaName): JsonSchema {
  const generated = toJsonSchema(name === "record" ? ChunkSchema : SummarySchema, { errorMode: "throw" });
  const { $schema, ...rest } = generated as JsonSchema;
  return { $schema, ...SCHEMAS[name], ...rest };
}
