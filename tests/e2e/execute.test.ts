import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureTree } from "../execute/fixtures.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine.
setDefaultTimeout(120_000);

// Runs dist/weft (built by `bun run build`) from a directory with no source or node_modules in reach.
const binary = join(import.meta.dir, "../../dist/weft");
const built = existsSync(binary);
if (!built) console.warn("[skip] tests/e2e/execute.test.ts: dist/weft is missing; run `bun run build` first");

let work: string;

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([binary, ...args], {
    cwd: work,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

describe.skipIf(!built)("compiled binary: worker pool", () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "weft-e2e-exec-"));
    const fixtures = fixtureTree();
    cpSync(fixtures, join(work, "tree"), { recursive: true });
    rmSync(fixtures, { recursive: true, force: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("workers start inside the binary and print the same bytes as inline", async () => {
    const workers = await run(["chunk", "tree", "--executor", "workers", "--workers", "2"]);
    const inline = await run(["chunk", "tree", "--executor", "inline", "--quiet"]);
    expect(workers.stderr).toMatch(/executor 2 workers \(--executor workers\)\n$/);
    expect(workers.code).toBe(0);
    expect(inline.code).toBe(0);
    expect(workers.stdout.length).toBeGreaterThan(1000);
    expect(workers.stdout).toBe(inline.stdout);
  });
});
