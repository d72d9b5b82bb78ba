import { parse, type SgNode } from "@ast-grep/napi";
import * as v from "valibot";
import { errorMessage } from "../model/errors.ts";
import { napiName } from "./registry.ts";
import { SAMPLES } from "./samples.ts";

/** Per-language result of loading and parsing a sample (in the main thread or inside a worker). */
export const ProbeEntrySchema = v.object({
  id: v.string(),
  ok: v.boolean(),
  root: v.optional(v.string()),
  error: v.optional(v.string()),
});
export type ProbeEntry = v.InferOutput<typeof ProbeEntrySchema>;

/**
 * Parses each language's sample (its parser must already be registered in this process) and
 * reports the root node kind; a sample that parses with ERROR nodes counts as a failure, since the
 * parser then does not understand its own language. Runs in the main thread and in workers.
 */
export function probeLanguages(ids: readonly string[]): ProbeEntry[] {
  return ids.map((id) => {
    const sample = SAMPLES[id];
    if (sample === undefined) return { id, ok: false, error: "no sample to parse" };
    try {
      const root = parse(napiName(id), sample).root();
      const bad = firstError(root);
      if (bad)
        return {
          id,
          ok: false,
          root: String(root.kind()),
          error: `sample parsed with a syntax error at line ${bad.range().start.line + 1}`,
        };
      return { id, ok: true, root: String(root.kind()) };
    } catch (err) {
      return { id, ok: false, error: errorMessage(err) };
    }
  });
}

// Samples are a few lines, so walking every node is cheap here (never do this on real files).
function firstError(node: SgNode): SgNode | undefined {
  if (node.kind() === "ERROR") return node;
  for (const child of node.children()) {
    const bad = firstError(child);
    if (bad) return bad;
  }
  return undefined;
}
