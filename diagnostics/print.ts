import { createConsola } from "consola";
import type { DiagnoseReport } from "../src/model/diagnosis.ts";

const TITLES: Record<string, string> = {
  env: "Environment",
  clone: "Structured clone (samples of every schema, then negative controls)",
  executor: "Executor smoke tests (embedded fixtures)",
  path: "Worker vs inline on your files",
};

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
}

/** Prints the report for people: one heading per section, a mark, id, timing and detail per check. */
export function printReport(report: DiagnoseReport, out: NodeJS.WriteStream = process.stdout): void {
  // Both streams to `out`: a failure line must stay in order with the rest of the report.
  const log = createConsola({ stdout: out, stderr: out, formatOptions: { date: false } });
  const width = Math.max(...report.checks.map((c) => c.id.length), 10);
  let section = "";
  for (const c of report.checks) {
    if (c.section !== section) {
      if (section !== "") log.log("");
      section = c.section;
      log.start(TITLES[section] ?? section);
    }
    const head = `${c.id.padEnd(width)}  ${ms(c.ms).padStart(8)}`;
    if (c.status === "pass") log.success(`${head}  ${c.detail}`);
    else if (c.status === "skip") log.info(`${head}  skipped: ${c.detail}`);
    else log.fail(`${head}  FAILED\n${c.detail.split("; ").map((l) => `      ${l}`).join("\n")}`);
  }
  const count = (s: string) => report.checks.filter((c) => c.status === s).length;
  log.log("");
  const summary = `${report.checks.length} checks: ${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped in ${ms(report.ms)}`;
  if (report.ok) log.success(summary);
  else log.fail(summary);
}
