import { defineCommand } from "citty";
import { statSync } from "node:fs";
import * as v from "valibot";
import { formatReport } from "../../diagnostics/print.ts";
import { DEFAULT_SECTIONS, runDiagnostics } from "../../diagnostics/run.ts";
import { SectionSchema, type Section } from "../model/diagnosis.ts";
import { EXIT } from "./exitCodes.ts";

/** A usage error: one line on stderr, exit 2. */
function usage(message: string): void {
  process.stderr.write(`weft diagnose: ${message}\n`);
  process.exitCode = EXIT.usage;
}

/** Writes the report; a reader that went away (`| head`) is not an error. */
function write(text: string): void {
  try {
    process.stdout.write(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPIPE") throw err;
  }
}

export default defineCommand({
  meta: {
    name: "diagnose",
    description: "Check that weft works on this machine: structured clone, workers, executors, parsers, cache",
  },
  args: {
    json: { type: "boolean", description: "Print the report as JSON (schema: DiagnoseReport)" },
    only: {
      type: "string",
      description: `Comma-separated sections to run: ${DEFAULT_SECTIONS.join(",")} (default: all)`,
    },
    path: { type: "string", description: "Also compare worker and inline output on the files under DIR" },
    limit: { type: "string", description: "With --path: at most N files, spread over the tree (default 200)" },
  },
  async run({ args }) {
    let sections: Section[] = [...DEFAULT_SECTIONS];
    if (args.only !== undefined) {
      const asked = String(args.only)
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = asked.filter((s) => !v.is(SectionSchema, s) || s === "path");
      if (bad.length > 0 || asked.length === 0)
        return usage(`--only takes ${DEFAULT_SECTIONS.join(", ")}; got "${args.only}"`);
      sections = asked as Section[];
    }
    let limit = 200;
    if (args.limit !== undefined) {
      limit = Number(args.limit);
      if (!Number.isInteger(limit) || limit < 1)
        return usage(`--limit takes a positive whole number; got "${args.limit}"`);
      if (args.path === undefined) return usage("--limit needs --path");
    }
    if (args.path !== undefined) {
      try {
        if (!statSync(String(args.path)).isDirectory()) return usage(`--path ${args.path} is not a directory`);
      } catch {
        return usage(`--path ${args.path} does not exist`);
      }
    }
    const report = await runDiagnostics({
      sections,
      ...(args.path !== undefined && { path: String(args.path) }),
      limit,
    });
    write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    process.exitCode = report.ok ? EXIT.ok : EXIT.someFailed;
  },
});
