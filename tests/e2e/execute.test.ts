import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fixtureTree } from "../execute/fixtures.ts";
import { BINARY, cleanup, runWeft, sandbox, type Sandbox } from "./harness.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine.
setDefaultTimeout(120_000);

const built = existsSync(BINARY);
if (!built) console.warn("[skip] tests/e2e/execute.test.ts: dist/weft is missing; run `bun run build` first");

let sb: Sandbox;

describe.skipIf(!built)("compiled binary: worker pool", () => {
  beforeAll(() => {
    sb = sandbox();
    const fixtures = fixtureTree();
    cpSync(fixtures, join(sb.dir, "tree"), { recursive: true });
    rmSync(fixtures, { recursive: true, force: true });
  });
  afterAll(cleanup);

  test("workers start inside the binary and print the same bytes as inline", async () => {
    const workers = await runWeft(sb, ["chunk", "tree", "--executor", "workers", "--workers", "2"]);
    const inline = await runWeft(sb, ["chunk", "tree", "--executor", "inline", "--quiet"]);
    expect(workers.stderr).toMatch(/executor 2 workers \(--executor workers\)\n$/);
    expect(workers.code).toBe(0);
    expect(inline.code).toBe(0);
    expect(workers.stdout.length).toBeGreaterThan(1000);
    expect(workers.stdout).toBe(inline.stdout);
  });
});
