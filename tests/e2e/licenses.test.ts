// `weft --licenses` from the compiled binary: weft's LICENSE, then the third-party notices the
// build generated (the same text as dist/THIRD-PARTY-NOTICES.txt, which the archives ship).
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { cleanup, runWeft, sandbox } from "./harness.ts";

afterAll(cleanup);

test("weft --licenses prints weft's license and the embedded software's notices", async () => {
  const res = await runWeft(sandbox(), ["--licenses"]);
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  const license = readFileSync(resolve(import.meta.dir, "../../LICENSE"), "utf8").trimEnd();
  const notices = readFileSync(resolve(import.meta.dir, "../../dist/THIRD-PARTY-NOTICES.txt"), "utf8");
  expect(res.stdout.indexOf(license)).toBeGreaterThanOrEqual(0);
  expect(res.stdout.endsWith(notices)).toBe(true);
  expect(res.stdout.indexOf(license)).toBeLessThan(res.stdout.indexOf(notices));
  for (const name of ["Bun 1.4.4", "JavaScriptCore", "tree-sitter (runtime library)", "tree-sitter-python"])
    expect(notices).toContain(name);
});

test("--licenses is listed in weft --help and takes no value", async () => {
  const sb = sandbox();
  expect((await runWeft(sb, ["--help"])).stdout).toContain("--licenses");
  const bad = await runWeft(sb, ["--licenses=yes"]);
  expect(bad.code).toBe(2);
});
