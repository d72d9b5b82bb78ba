import { formatReport } from "../../diagnostics/print.ts";
import { runDiagnostics } from "../../diagnostics/run.ts";
import type { DiagnoseArgs } from "./commandOptions.ts";
import type { Outcome } from "./exitCodes.ts";

/** Writes the report; a reader that went away (`| head`) is not an error. */
function write(text: string): void {
  try {
    process.stdout.write(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPIPE") throw err;
  }
}

/** `weft diagnose`: runs the checks and prints the report; failed when any check fails. */
export async function diagnose(opts: DiagnoseArgs): Promise<Outcome> {
  const report = await runDiagnostics({
    sections: opts.sections,
    ...(opts.path !== undefined && { path: opts.path }),
    limit: opts.limit,
  });
  write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return { failed: !report.ok };
}
