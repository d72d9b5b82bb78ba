// Issue 14, point 1 and 3: a refused cache, a tampered parser or addon, never loaded and never quiet.
// Each case runs the compiled binary on a fresh cache in its own sandbox.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { sha256 } from "../../src/languages/cache.ts";
import { ChunkSchema } from "../../src/model/chunk.ts";
import { SummarySchema, type Summary } from "../../src/output/summary.ts";
import { cleanup, runWeft, sandbox, sandboxEnv, type RunResult, type Sandbox } from "./harness.ts";

setDefaultTimeout(60_000);
afterAll(cleanup);

const FILES: Record<string, string> = {
  "tree/app.py": "import os\n\n\ndef main():\n    return os.getcwd()\n",
  "tree/lib.ts": "export function add(a: number, b: number): number {\n  return a + b;\n}\n",
  "tree/main.go": "package main\n\nfunc main() {}\n",
  "tree/notes.txt": "plain text, no grammar\n",
};
const GRAMMAR_FILES = ["tree/app.py", "tree/lib.ts", "tree/main.go"];

function project(sb: Sandbox): void {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(join(sb.dir, path, ".."), { recursive: true });
    writeFileSync(join(sb.dir, path), text);
  }
}

/** `weft chunk tree` with a summary; checks what must hold whatever the cache did: valid records that tile every file. */
async function chunk(
  sb: Sandbox,
  extra: string[] = [],
  env?: Record<string, string>,
): Promise<{ res: RunResult; summary: Summary; strategy: Map<string, string> }> {
  const res = await runWeft(sb, ["chunk", "tree", "--summary-json", "s.json", ...extra], env ?? sandboxEnv(sb));
  const summary = v.parse(SummarySchema, JSON.parse(readFileSync(join(sb.dir, "s.json"), "utf8")));
  const records = res.stdout
    .trim()
    .split("\n")
    .map((l) => v.parse(ChunkSchema, JSON.parse(l)));
  const strategy = new Map<string, string>();
  for (const [path, text] of Object.entries(FILES)) {
    const mine = records.filter((r) => r.path === path);
    expect(mine.map((r) => r.content).join("")).toBe(text);
    strategy.set(path, mine[0]!.strategy);
  }
  return { res, summary, strategy };
}

/** How a refused native library is named. */
const REFUSED = /cached native code (was replaced by different bytes|changed right after it was checked)/;

/** `weft diagnose --only env`: its oracle check is what loads the napi addon. */
function oracleRun(sb: Sandbox): Promise<RunResult> {
  return runWeft(sb, ["diagnose", "--only", "env"], sandboxEnv(sb));
}

function cachedFile(dir: string, prefix: string): string {
  const name = readdirSync(dir).find((f) => f.startsWith(`${prefix}-`));
  if (!name) throw new Error(`nothing named ${prefix}-* in ${dir}`);
  return join(dir, name);
}

/** The run fell back for exactly `paths`, said so once per cause on stderr (`cause` names it), in the summary, and exits 4. */
function expectDegraded(run: Awaited<ReturnType<typeof chunk>>, paths: string[], cause: string): void {
  const { res, summary, strategy } = run;
  expect(res.code).toBe(4);
  expect(summary.exitCode).toBe(4);
  expect(summary.degradations.map((d) => d.path)).toEqual(paths);
  for (const d of summary.degradations) expect(d.reason).toContain(cause);
  expect(summary.degraded).toBe(paths.length);
  for (const p of paths) expect(strategy.get(p)).toBe("delimiter");
  const lines = res.stderr.trim().split("\n");
  expect(lines.filter((l) => l.includes(cause))).toHaveLength(1); // the one line naming the cause
  expect(lines.find((l) => l.includes("not chunked as asked"))).toContain(
    `${paths.length} of ${Object.keys(FILES).length} files`,
  );
  expect(res.stderr).not.toContain("    at ");
}

describe("a refused parser cache is never used, and never quiet", () => {
  test("a fresh private cache: every grammar file semantic, exit 0, the reader and parsers verified in it, the addon only once diagnose needs it, nothing extracted to TMPDIR", async () => {
    const sb = sandbox();
    project(sb);
    const { res, summary, strategy } = await chunk(sb);
    expect(res.code).toBe(0);
    expect(summary.degraded).toBe(0);
    for (const p of GRAMMAR_FILES) expect(strategy.get(p)).toBe("semantic");
    expect(cachedFile(sb.cache, "weft-reader")).toEndWith(".so");
    // weft chunk reads trees through the reader: the napi addon (the oracle) is not even loaded.
    expect(readdirSync(sb.cache).some((f) => f.startsWith("ast-grep-napi-"))).toBe(false);
    expect((await oracleRun(sb)).code).toBe(0);
    // The napi addon lives in weft's cache under its own sha256, like every parser...
    const addon = cachedFile(sb.cache, "ast-grep-napi");
    expect(addon).toEndWith(".node");
    expect(sha256(readFileSync(addon)).slice(0, 32)).toBe(addon.replace(/^.*-([0-9a-f]{32})\.node$/, "$1"));
    // ...and Bun did not extract it to $TMPDIR/.bun-<uid>-<hash>.node, where anyone running as this user could plant one.
    expect(readdirSync(join(sb.dir, "tmp"))).toEqual([]);
  });

  for (const executor of ["inline", "workers"]) {
    test(`WEFT_CACHE_DIR writable by others: one line naming it and the fix, delimiter fallback, exit 4 (${executor})`, async () => {
      const sb = sandbox();
      project(sb);
      mkdirSync(sb.cache, { mode: 0o700 });
      chmodSync(sb.cache, 0o777);
      const run = await chunk(sb, ["--executor", executor]);
      expectDegraded(run, GRAMMAR_FILES, `${sb.cache}: cache directory is writable by group or others (mode 777)`);
      expect(run.res.stderr).toContain(`fix: chmod 700 ${sb.cache}`);
      expect(readdirSync(sb.cache)).toEqual([]); // nothing written to, or loaded from, it
      expect(run.summary.degradations[0]!.reason).toStartWith(
        "Python parser could not be loaded: native parser library not loaded: ",
      );
    });
  }

  test.skipIf(process.getuid?.() !== 0)(
    "a cache directory owned by another user is refused (needs root to chown)",
    async () => {
      const sb = sandbox();
      project(sb);
      mkdirSync(sb.cache, { mode: 0o700 });
      chownSync(sb.cache, 65534, 65534);
      expectDegraded(await chunk(sb), GRAMMAR_FILES, `${sb.cache}: cache directory is owned by another user`);
    },
  );

  test("a squatted weft-<uid> in TMPDIR (the fallback when ~/.cache is unusable) is refused", async () => {
    const sb = sandbox();
    project(sb);
    writeFileSync(join(sb.dir, "not-a-dir"), "");
    const env = sandboxEnv(sb, { HOME: join(sb.dir, "not-a-dir") });
    delete env.WEFT_CACHE_DIR;
    const squat = join(sb.dir, "tmp", `weft-${process.getuid?.() ?? "user"}`);
    mkdirSync(squat, { recursive: true });
    chmodSync(squat, 0o777);
    const run = await chunk(sb, [], env);
    expectDegraded(run, GRAMMAR_FILES, `${squat}: cache directory is writable by group or others`);
    expect(readdirSync(squat)).toEqual([]);
  });

  test("a planted parser with wrong bytes is refused, named with the fix; only its language falls back", async () => {
    const sb = sandbox();
    project(sb);
    expect((await chunk(sb)).res.code).toBe(0);
    const planted = cachedFile(sb.cache, "python");
    chmodSync(planted, 0o600);
    writeFileSync(planted, readFileSync(cachedFile(sb.cache, "go"))); // a real library, just not python's
    for (const executor of ["inline", "workers"]) {
      const run = await chunk(sb, ["--executor", executor]);
      expectDegraded(run, ["tree/app.py"], `${planted}: cached native code was replaced by different bytes`);
      expect(run.res.stderr).toContain("fix: delete the file and weft writes it again");
      expect(run.strategy.get("tree/lib.ts")).toBe("semantic");
      expect(run.strategy.get("tree/main.go")).toBe("semantic");
    }
  });

  const cc = Bun.which("cc") ?? Bun.which("gcc");
  /** A shared library whose constructor leaves a mark: what an attacker would plant. */
  function evilLibrary(sb: Sandbox, marker: string): Uint8Array {
    const src = join(sb.dir, "evil.c");
    writeFileSync(
      src,
      `#include <stdio.h>\n__attribute__((constructor)) static void evil(void) { FILE *f = fopen(${JSON.stringify(marker)}, "w"); if (f) fclose(f); }\n`,
    );
    const evil = join(sb.dir, "evil.so");
    expect(Bun.spawnSync([cc!, "-shared", "-fPIC", "-o", evil, src]).exitCode).toBe(0);
    return readFileSync(evil);
  }

  test.skipIf(!cc)(
    "a planted tree reader is never loaded: refused and named, every grammar file falls back, exit 4",
    async () => {
      const sb = sandbox();
      project(sb);
      expect((await chunk(sb)).res.code).toBe(0);
      const marker = join(sb.dir, "pwned");
      const reader = cachedFile(sb.cache, "weft-reader");
      chmodSync(reader, 0o600);
      writeFileSync(reader, evilLibrary(sb, marker));
      for (const executor of ["inline", "workers"]) {
        const run = await chunk(sb, ["--executor", executor]);
        expectDegraded(run, GRAMMAR_FILES, `${reader}: cached native code was replaced by different bytes`);
        expect(run.res.stderr).toContain("fix: delete the file and weft writes it again");
      }
      expect(existsSync(marker)).toBe(false);
    },
  );

  test.skipIf(!cc || process.platform !== "linux")(
    "issue 23.1: the addon, the tree reader and a parser renamed over in a loop during 12 runs: never loaded, each run ok or refused and named",
    async () => {
      const sb = sandbox();
      project(sb);
      expect((await chunk(sb)).res.code).toBe(0);
      // weft chunk loads the reader and the parsers; only the oracle checks of diagnose load the addon.
      expect((await oracleRun(sb)).code).toBe(0);
      const marker = join(sb.dir, "pwned");
      const evil = join(sb.dir, "evil-lib.so");
      writeFileSync(evil, evilLibrary(sb, marker));
      const targets = ["ast-grep-napi", "weft-reader", "python"].map((name) => cachedFile(sb.cache, name));
      const pairs = targets.flatMap((t) => {
        const good = `${t}.good`;
        linkSync(t, good);
        return [t, good];
      });
      const counter = join(sb.dir, "swaps");
      writeFileSync(counter, "");
      const swapper = Bun.spawn([process.execPath, join(import.meta.dir, "swapper.ts"), evil, counter, ...pairs], {
        stdout: "ignore",
        stderr: "inherit",
      });
      const outcomes: string[] = [];
      try {
        for (let i = 0; i < 12; i++) {
          if (i % 3 === 2) {
            const res = await oracleRun(sb);
            if (res.code === 0) outcomes.push("ok");
            else {
              expect(`${res.stdout}${res.stderr}`).toMatch(REFUSED);
              outcomes.push("refused");
            }
            continue;
          }
          const run = await chunk(sb, ["--executor", i % 3 ? "workers" : "inline"]);
          if (run.res.code === 0) outcomes.push("ok");
          else {
            expect(run.res.code).toBe(4);
            expect(run.res.stderr).toMatch(REFUSED);
            outcomes.push("refused");
          }
        }
      } finally {
        swapper.kill();
        await swapper.exited;
      }
      console.error(`renaming loop: ${readFileSync(counter, "utf8").length * 100} swaps; runs: ${outcomes.join(" ")}`);
      expect(readFileSync(counter, "utf8").length).toBeGreaterThan(0);
      expect(existsSync(marker)).toBe(false);
    },
    120_000,
  );

  test.skipIf(!cc)(
    "a planted napi addon is never loaded: chunking does not need it, diagnose refuses it by name",
    async () => {
      const sb = sandbox();
      project(sb);
      expect((await chunk(sb)).res.code).toBe(0);
      expect((await oracleRun(sb)).code).toBe(0);
      const marker = join(sb.dir, "pwned");
      const addon = cachedFile(sb.cache, "ast-grep-napi");
      chmodSync(addon, 0o600);
      writeFileSync(addon, evilLibrary(sb, marker));
      const run = await chunk(sb);
      expect(run.res.code).toBe(0);
      for (const p of GRAMMAR_FILES) expect(run.strategy.get(p)).toBe("semantic");
      const diagnosed = await oracleRun(sb);
      expect(diagnosed.code).toBe(1);
      expect(diagnosed.stdout).toContain(`${addon}: cached native code was replaced by different bytes`);
      expect(existsSync(marker)).toBe(false);
    },
  );
});
