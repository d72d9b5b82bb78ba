import * as v from "valibot";
import { errorMessage } from "../model/errors.ts";
import { parseTree } from "../tree/parseTree.ts";
import { SAMPLES } from "./samples.ts";

/** Per-language result of loading and parsing a sample (in the main thread or inside a worker). */
export const ProbeEntrySchema = v.object({
  id: v.string(),
  ok: v.boolean(),
  root: v.optional(v.string()),
  error: v.optional(v.string()),
});
export type ProbeEntry = v.InferOutput<typeof ProbeEntrySchema>;

const ERROR_OR_MISSING = (0x02 | 0x08) << 16;

/**
 * Parses each language's sample through weft's tree reader (loading the reader and grammar in this
 * thread if needed) and reports the root node kind; a sample that parses with ERROR or MISSING
 * nodes counts as a failure, since the parser then does not understand its own language. Runs in
 * the main thread and in workers.
 */
export function probeLanguages(ids: readonly string[]): ProbeEntry[] {
  return ids.map((id) => {
    const sample = SAMPLES[id];
    if (sample === undefined) return { id, ok: false, error: "no sample to parse" };
    try {
      const tree = parseTree(id, sample);
      const root = tree.names.symbols[tree.nodes[0]! & 0xffff]!;
      for (let i = 0; i < tree.count; i++) {
        if ((tree.nodes[i * 4]! & ERROR_OR_MISSING) === 0) continue;
        const line = sample.slice(0, tree.nodes[i * 4 + 1]!).split("\n").length;
        return { id, ok: false, root, error: `sample parsed with a syntax error at line ${line}` };
      }
      return { id, ok: true, root };
    } catch (err) {
      return { id, ok: false, error: errorMessage(err) };
    }
  });
}
