// `weft diagnose` from the compiled binary, run the way a user runs it: the binary alone in an empty
// temporary directory, a fresh HOME and cache, no source tree or node_modules in reach.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import * as v from "valibot";
import { DiagnoseReportSchema } from "../../src/model/diagnosis.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, runWeft, sandbox, sandboxEnv } from "./harness.ts";

// Explicit: the preload's default timeout is not applied to every file of a multi-file run.
setDefaultTimeout(120_000);
afterAll(cleanup);

// Both forms run once, side by side, each in its own sandbox; the tests below read them.
const runs = Promise.all([runWeft(sandbox(), ["diagnose"]), runWeft(sandbox(), ["diagnose", "--json"])]);

test("weft diagnose --json from the binary passes every check and validates against its schema", async () => {
  const [, res] = await runs;
  const report = v.parse(DiagnoseReportSchema, JSON.parse(res.stdout));
  expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
  expect({ code: res.code, ok: report.ok, stderr: res.stderr }).toEqual({ code: 0, ok: true, stderr: "" });
  expect(new Set(report.checks.map((c) => c.section))).toEqual(new Set(["env", "clone", "executor"]));
  expect(report.checks.find((c) => c.id === "env.weft")?.detail).toMatch(/compiled binary for bun-/);
  expect(report.checks.filter((c) => c.id.startsWith("clone.control.")).length).toBe(7);
  expect(report.checks.find((c) => c.id === "env.chunk-cache")?.detail).toBe(
    "entry round trip byte for byte; altered and truncated entries detected; private directory (others' access refused)",
  );
});

test("weft diagnose from the binary exits 0 and lists every check", async () => {
  const [human, json] = await runs;
  expect({ code: human.code, stderr: human.stderr }).toEqual({ code: 0, stderr: "" });
  const ids = v.parse(DiagnoseReportSchema, JSON.parse(json.stdout)).checks.map((c) => c.id);
  expect(ids.length).toBeGreaterThan(40);
  for (const id of ids) expect(human.stdout).toMatch(new RegExp(`✔ ${id.replace(/[.]/g, "\\.")}\\s`));
  expect(human.stdout).toContain(`${ids.length} checks: ${ids.length} passed, 0 failed, 0 skipped`);
});

test("with TMPDIR missing or not a directory, weft diagnose still reports: the checks that need one fail, saying why; the rest pass", async () => {
  for (const tmp of ["missing", "a-file"]) {
    const sb = sandbox();
    writeFileSync(join(sb.dir, "a-file"), "");
    const res = await runWeft(sb, ["diagnose", "--json"], sandboxEnv(sb, { TMPDIR: join(sb.dir, tmp) }));
    const report = v.parse(DiagnoseReportSchema, JSON.parse(res.stdout));
    expect({ tmp, code: res.code, ok: report.ok, stderr: res.stderr }).toEqual({ tmp, code: 1, ok: false, stderr: "" });
    const failed = report.checks.filter((c) => c.status !== "pass");
    expect(failed.map((c) => c.id).sort()).toEqual(
      [
        "env.chunk-cache",
        "env.open-no-links",
        "executor.inline",
        "executor.pool",
        "executor.identical",
        "executor.failing-file",
        "executor.empty",
        "executor.grouped",
        "executor.fault-run",
        "executor.fault-isolation",
        "executor.recovers",
      ].sort(),
    );
    for (const c of failed)
      expect(c.detail).toStartWith(`needs a temporary directory, and none could be made in ${join(sb.dir, tmp)} (`);
    expect(report.checks.find((c) => c.id === "executor.worker-parsers")?.status).toBe("pass");
  }
});
