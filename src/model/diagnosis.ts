import * as v from "valibot";

/** The sections of `weft diagnose`; `--only` selects among them. */
export const SectionSchema = v.picklist(["clone", "executor", "env", "path"]);
export type Section = v.InferOutput<typeof SectionSchema>;

/** pass and fail are verdicts; skip means the check could not apply here (the detail says why). */
export const CheckStatusSchema = v.picklist(["pass", "fail", "skip"]);
export type CheckStatus = v.InferOutput<typeof CheckStatusSchema>;

/** One diagnostic check's outcome. `id` is stable (e.g. "clone.Chunk", "executor.pool-recovers-exit"). */
export const CheckSchema = v.object({
  id: v.string(),
  section: SectionSchema,
  status: CheckStatusSchema,
  /** Wall time of the check in milliseconds. */
  ms: v.pipe(v.number(), v.minValue(0)),
  /** One line for a pass; for a fail, what differed or broke, with the field path or file. */
  detail: v.string(),
});
export type Check = v.InferOutput<typeof CheckSchema>;

/**
 * The `weft diagnose --json` document (stable format): `ok` is true when no check failed; checks
 * appear in run order, grouped by section.
 */
export const DiagnoseReportSchema = v.object({
  weft: v.string(),
  ok: v.boolean(),
  ms: v.pipe(v.number(), v.minValue(0)),
  checks: v.array(CheckSchema),
});
export type DiagnoseReport = v.InferOutput<typeof DiagnoseReportSchema>;
