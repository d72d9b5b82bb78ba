// The npm package's launcher (bin/weft.js) and API argument mapping, on this machine with node and
// dist/weft (WEFT_BINARY): same output and exit code as the binary, signals passed on, and every
// API option turned into a flag `weft chunk` accepts with the value asked for.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chunkArgs } from "../../packaging/npm/src/index.ts";
import { parseArgv } from "../../src/commands/parseArgv.ts";
import { BINARY } from "../e2e/harness.ts";

let dir: string;
let launcher: string;
const env = () => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: dir,
  WEFT_BINARY: BINARY,
  WEFT_CACHE_DIR: join(dir, "c"),
});

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "weft-launcher-")));
  const built = await Bun.build({
    entrypoints: [resolve(import.meta.dir, "../../packaging/npm/src/launcher.ts")],
    outdir: dir,
    target: "node",
    format: "esm",
    naming: "weft.mjs",
  });
  expect(built.success).toBe(true);
  launcher = join(dir, "weft.mjs");
  mkdirSync(join(dir, "big"));
  for (let i = 0; i < 300; i++)
    writeFileSync(
      join(dir, "big", `m${i}.py`),
      Array.from({ length: 60 }, (_, j) => `def g${j}(a):\n    return a + ${j * i}\n`).join("\n"),
    );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function node(args: string[]) {
  const proc = Bun.spawn(["node", launcher, ...args], { cwd: dir, env: env(), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout, stderr, code };
}

/** weft processes running now (Linux: /proc/PID/exe is the binary). */
function running(): string[] {
  return readdirSync("/proc").filter((p) => {
    try {
      return /^\d+$/.test(p) && readlinkSync(`/proc/${p}/exe`) === BINARY;
    } catch {
      return false;
    }
  });
}

describe("the launcher, run by node", () => {
  test("prints what the binary prints and exits with its code", async () => {
    const version = await node(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(Bun.spawnSync([BINARY, "--version"]).stdout.toString());
    const bad = await node(["chunk", "--max-tokens", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toStartWith("weft");
    expect(bad.stderr).toContain("--max-tokens");
  });

  test("a missing binary is one line and exit 3", async () => {
    const proc = Bun.spawnSync(["node", launcher, "--version"], {
      cwd: dir,
      env: { ...env(), WEFT_BINARY: join(dir, "nope") },
    });
    expect(proc.exitCode).toBe(3);
    expect(proc.stderr.toString()).toBe(`weft: WEFT_BINARY is ${join(dir, "nope")}, which does not exist\n`);
  });

  test("SIGTERM to the launcher stops weft, which exits 143 through it", async () => {
    const before = running();
    const proc = Bun.spawn(["node", launcher, "chunk", "big", "--executor", "inline"], {
      cwd: dir,
      env: env(),
      stdout: "pipe",
      stderr: "pipe",
    });
    const reader = proc.stdout.getReader();
    await reader.read(); // weft has started writing
    proc.kill("SIGTERM");
    const drained = (async () => {
      while (!(await reader.read()).done);
    })();
    expect(await proc.exited).toBe(143);
    await drained;
    expect(running().filter((p) => !before.includes(p))).toEqual([]);
  });
});

describe("chunk()'s options", () => {
  test("become the flags `weft chunk` parses, with the values given; paths come after --", () => {
    const args = chunkArgs(["src", "-odd"], {
      maxTokens: 300,
      tokenizer: "cl100k",
      context: true,
      overlapLines: 2,
      include: ["*.ts", "*.py"],
      exclude: ["dist"],
      languages: ["typescript", "python"],
      map: { tmpl: "html" },
      hidden: true,
      follow: true,
      ignoreFiles: false,
      maxFileSize: "2M",
      skipMinified: false,
      executor: "workers",
      workers: 2,
      timeoutSeconds: 5,
      cache: "/tmp/c",
    });
    const inv = parseArgv(args);
    if (inv.kind !== "run" || inv.command !== "chunk") throw new Error(`not a chunk run: ${JSON.stringify(inv)}`);
    const o = inv.options;
    expect(o.discovery.paths).toEqual(["src", "-odd"]);
    expect(o.governor).toMatchObject({ maxTokens: 300, tokenizer: "cl100k", context: true, overlapLines: 2 });
    expect(o.discovery).toMatchObject({
      include: ["*.ts", "*.py"],
      exclude: ["dist"],
      languages: ["typescript", "python"],
      map: { tmpl: "html" },
      hidden: true,
      follow: true,
      ignoreFiles: false,
      maxFileSize: 2 * 1024 * 1024,
      skipMinified: false,
    });
    expect(o).toMatchObject({ format: "jsonl", executor: "workers", workers: 2, timeoutMs: 5000, quiet: true });
    expect(o.cache?.dir).toBe("/tmp/c");
    const model = parseArgv(chunkArgs(["."], { model: "text-embedding-3-small" }));
    expect(model.kind).toBe("run");
  });
});
