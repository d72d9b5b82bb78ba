// `weft diagnose` from the compiled binary, run the way a user runs it: the binary alone in an empty
// temporary directory, a fresh HOME and cache, no source tree or node_modules in reach.
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as v from "valibot";
import { DiagnoseReportSchema } from "../../src/model/diagnosis.ts";
import { tempDirs } from "../diagnostics/tempDirs.ts";

const BINARY = resolve(import.meta.dir, "../../dist/weft");
const temp = tempDirs();
afterAll(temp.cleanup);

async function inSandbox(args: string[]) {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`bun run build\` first`);
  const dir = temp.make("weft-e2e-diagnose-");
  copyFileSync(BINARY, join(dir, "weft"));
  for (const d of ["home", "tmp"]) mkdirSync(join(dir, d));
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir, "home"), TMPDIR: join(dir, "tmp"), WEFT_CACHE_DIR: join(dir, "cache") };
  const proc = Bun.spawn([join(dir, "weft"), ...args], { cwd: dir, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

// Both forms run once, side by side; the tests below read them.
const runs = Promise.all([inSandbox(["diagnose"]), inSandbox(["diagnose", "--json"])]);
// Explicit: the 60 s default from tests/setup.ts is not applied to every file in a multi-file run.
const E2E_TIMEOUT = 60_000;

test("weft diagnose --json from the binary passes every check and validates against its schema", async () => {
  const [, res] = await runs;
  const report = v.parse(DiagnoseReportSchema, JSON.parse(res.stdout));
  expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
  expect({ code: res.code, ok: report.ok, stderr: res.stderr }).toEqual({ code: 0, ok: true, stderr: "" });
  expect(new Set(report.checks.map((c) => c.section))).toEqual(new Set(["env", "clone", "executor"]));
  expect(report.checks.find((c) => c.id === "env.weft")?.detail).toMatch(/compiled binary for bun-/);
  expect(report.checks.filter((c) => c.id.startsWith("clone.control.")).length).toBe(7);
}, E2E_TIMEOUT);

test("weft diagnose from the binary exits 0 and lists every check", async () => {
  const [human, json] = await runs;
  expect({ code: human.code, stderr: human.stderr }).toEqual({ code: 0, stderr: "" });
  const ids = v.parse(DiagnoseReportSchema, JSON.parse(json.stdout)).checks.map((c) => c.id);
  expect(ids.length).toBeGreaterThan(40);
  for (const id of ids) expect(human.stdout).toMatch(new RegExp(`✔ ${id.replace(/[.]/g, "\\.")}\\s`));
  expect(human.stdout).toContain(`${ids.length} checks: ${ids.length} passed, 0 failed, 0 skipped`);
}, E2E_TIMEOUT);
