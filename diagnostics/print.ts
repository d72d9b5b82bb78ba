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

/**
 * The report for people: one heading per section, a mark, id, timing and detail per check, the
 * failure details indented below, and a summary line.
 */
export function formatReport(report: DiagnoseReport): string {
  let text = "";
  // A sink instead of a real stream: the report is written in one piece, and both consola streams
  // go to it so a failure line stays in order with the rest.
  const sink = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  // Level and reporter explicitly: under NODE_ENV=test or CI, consola goes silent or prints
  // "[success]" tags. `fancy` is an option of consola's node build; tsc resolves its browser types.
  const options = {
    stdout: sink,
    stderr: sink,
    level: 3,
    fancy: true,
    formatOptions: { date: false, colors: process.stdout.isTTY === true },
  };
  const log = createConsola(options as Parameters<typeof createConsola>[0]);
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
    else
      log.fail(
        `${head}  FAILED\n${c.detail
          .split("; ")
          .map((l) => `      ${l}`)
          .join("\n")}`,
      );
  }
  const count = (s: string) => report.checks.filter((c) => c.status === s).length;
  log.log("");
  const summary = `${report.checks.length} checks: ${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped in ${ms(report.ms)}`;
  if (report.ok) log.success(summary);
  else log.fail(summary);
  return text;
}
