import { jsonSchema } from "../output/schema.ts";
import type { SchemaArgs } from "./commandOptions.ts";
import type { Outcome } from "./exitCodes.ts";

/** `weft schema`: the JSON Schema of the output record, or with --summary of the --summary-json document. */
export async function schema(opts: SchemaArgs): Promise<Outcome> {
  process.stdout.write(`${JSON.stringify(jsonSchema(opts.summary ? "summary" : "record"), null, 2)}\n`);
  return {};
}
