import * as v from "valibot";
import type { WorkerResponse } from "../../src/execute/protocol.ts";
import { describeIssues } from "../../src/model/issues.ts";
import { CLONE_REGISTRY } from "./registry.ts";

/**
 * The worker's answer to an `echo` request: the value exactly as received (no parsed copy), noting
 * whether it still fits the named registry schema on the worker's side of the boundary.
 */
export function echoReply(batchId: number, schema: string | undefined, value: unknown): WorkerResponse {
  const entry = schema === undefined ? undefined : CLONE_REGISTRY[schema];
  if (schema !== undefined && !entry) return { type: "echo-result", batchId, value, issue: `unknown schema ${schema}` };
  const checked = entry ? v.safeParse(entry.schema, value) : undefined;
  return checked && !checked.success
    ? { type: "echo-result", batchId, value, issue: describeIssues(checked.issues) }
    : { type: "echo-result", batchId, value };
}
