import { MODELS } from "../chunkers/models.ts";
import type { JsonArgs } from "./commandOptions.ts";
import type { Outcome } from "./exitCodes.ts";

/** `weft models`: the embedding model presets, as a table or JSON. */
export async function models(opts: JsonArgs): Promise<Outcome> {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(MODELS, null, 2)}\n`);
    return {};
  }
  const rows = MODELS.map((m) => [m.name, String(m.maxTokens), m.tokenizer, m.exact ? "exact" : "upper bound", m.note]);
  const head = ["model", "max-tokens", "tokenizer", "count", "notes"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows])
    process.stdout.write(`${r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join("  ")}\n`);
  return {};
}
