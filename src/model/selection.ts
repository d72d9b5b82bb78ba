import * as v from "valibot";

/** The chunking strategies, best first. */
export const StrategySchema = v.picklist(["semantic", "delimiter", "text"]);
export type Strategy = v.InferOutput<typeof StrategySchema>;

/** The selector's decision for one file, with the reason it was taken. */
export const SelectionSchema = v.object({
  strategy: StrategySchema,
  reason: v.string(),
  /** Set when the file could not be chunked as asked (its parser failed to load): why, in one line. */
  degraded: v.optional(v.string()),
});
export type Selection = v.InferOutput<typeof SelectionSchema>;
