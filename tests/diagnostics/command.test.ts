import { expect, setDefaultTimeout, test } from "bun:test";
import * as v from "valibot";
import { DiagnoseReportSchema } from "../../src/model/diagnosis.ts";
import { fromSource, runWeft } from "../e2e/harness.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine
// (the preload's default timeout does not reach every file of a multi-file run).
setDefaultTimeout(120_000);

// The child inherits the private WEFT_CACHE_DIR that tests/setup.ts made.
const weft = (...args: string[]) => runWeft(fromSource(), ["diagnose", ...args]);

test("usage errors exit 2 with one line on stderr", async () => {
  for (const [args, message] of [
    [["--only", "clone,bogus"], '--only takes env, clone, executor; got "clone,bogus"'],
    [["--path", "/nonexistent-weft-dir"], "--path /nonexistent-weft-dir does not exist"],
    [["--limit", "5"], "--limit needs --path"],
    [["--path", ".", "--limit", "0"], '--limit takes a positive whole number; got "0"'],
  ] as const) {
    const res = await weft(...args);
    expect({ args, code: res.code, stderr: res.stderr, stdout: res.stdout }).toEqual({
      args,
      code: 2,
      stderr: `weft diagnose: ${message}\n`,
      stdout: "",
    });
  }
});

test("--only env --json prints a report that validates against its schema", async () => {
  const res = await weft("--only", "env", "--json");
  expect(res.code).toBe(0);
  const report = v.parse(DiagnoseReportSchema, JSON.parse(res.stdout));
  expect(report.ok).toBe(true);
  expect(new Set(report.checks.map((c) => c.section))).toEqual(new Set(["env"]));
});

test("the readable report has a heading per section, a mark per check and a summary", async () => {
  const res = await weft("--only", "env,clone");
  expect(res.code).toBe(0);
  expect(res.stdout).toContain("Environment");
  expect(res.stdout).toContain("Structured clone");
  expect(res.stdout).toMatch(
    /✔ clone\.control\.sgnode\s+[\d.]+ ms\s+native SgNode: detected as lossy at \$\.metadata\.node \(SgNode -> \{\}\)/,
  );
  expect(res.stdout).toMatch(/\d+ checks: \d+ passed, 0 failed, 0 skipped in /);
});
