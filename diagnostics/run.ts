import type { Check, DiagnoseReport, Section } from "../src/model/diagnosis.ts";
import { VERSION } from "../src/version.ts";
import { cloneChecks, type CloneCheckOptions } from "./clone/checks.ts";
import { envChecks } from "./env/checks.ts";
import { pathChecks } from "./path/compare.ts";
import { smokeChecks, type SmokeOptions } from "./smoke/checks.ts";
import { openWorkerSession } from "./workerSession.ts";

/** The sections a plain `weft diagnose` runs, in order (env first: it loads the parsers). */
export const DEFAULT_SECTIONS: readonly Section[] = ["env", "clone", "executor"];

export type DiagnoseOptions = {
  sections?: readonly Section[];
  /** `--path DIR`: also compare worker and inline output on these files. */
  path?: string;
  /** `--limit N`: at most this many files from `path`. */
  limit?: number;
  /** Test hooks: an injected defect in the clone registry, executor switches. */
  clone?: CloneCheckOptions;
  smoke?: SmokeOptions;
};

/** Runs the selected sections and returns the report; checks never throw, they fail. */
export async function runDiagnostics(opts: DiagnoseOptions = {}): Promise<DiagnoseReport> {
  const t0 = performance.now();
  const sections = new Set(opts.sections ?? DEFAULT_SECTIONS);
  const checks: Check[] = [];
  const session = openWorkerSession();
  try {
    if (sections.has("env")) checks.push(...(await envChecks()));
    if (sections.has("clone")) checks.push(...(await cloneChecks(session, opts.clone)));
    if (sections.has("executor")) checks.push(...(await smokeChecks(session, opts.smoke)));
    if (opts.path !== undefined) checks.push(...(await pathChecks(opts.path, opts.limit ?? 200)));
  } finally {
    session.close();
  }
  return {
    weft: VERSION,
    ok: checks.every((c) => c.status !== "fail"),
    ms: Math.round(performance.now() - t0),
    checks,
  };
}
