// Issue 14, point 6 (the CLI's part): report files, option values, the executor's stated reason, the
// skip line and the cache location, each on the compiled binary.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, runWeft, sandbox, sandboxEnv, type Sandbox } from "./harness.ts";

setDefaultTimeout(60_000);
afterAll(cleanup);

function tree(sb: Sandbox, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(sb.dir, path, ".."), { recursive: true });
    writeFileSync(join(sb.dir, path), content);
  }
}

describe("weft chunk options", () => {
  test("skipped files make one stderr line with counts per reason, not one line each", async () => {
    const sb = sandbox();
    const minified = `var a=${"1,".repeat(3000)}0;`;
    tree(sb, {
      "src/a.py": "x = 1\n",
      "src/b.bin": new Uint8Array([1, 0, 2, 0]),
      "src/c.bin": new Uint8Array([0, 0]),
      "src/d.js": minified,
    });
    const res = await runWeft(sb, ["chunk", "src"]);
    expect(res.code).toBe(0);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "weft: skipped 3 files (binary 2, minified 1); list them with --skipped FILE or `weft files --skipped`",
    );
    expect(lines[1]).toStartWith("weft: 4 files: 1 chunked, 3 skipped, 0 failed;");
    expect((await runWeft(sb, ["chunk", "src", "--quiet"])).stderr).toBe("");
  });

  test("--skipped FILE that cannot be written is a usage error before any work, naming the file", async () => {
    const sb = sandbox();
    tree(sb, { "src/a.py": "x = 1\n" });
    const res = await runWeft(sb, ["chunk", "src", "--skipped", "no/such/dir/skips.jsonl"]);
    expect(res).toEqual({
      code: 2,
      stdout: "",
      stderr: "weft: no/such/dir/skips.jsonl: cannot write --skipped file: ENOENT: no such file or directory\n",
    });
  });

  test.skipIf(!existsSync("/dev/full"))(
    "a report that fails to write at the end names the file and exits 3; the chunks were written",
    async () => {
      const sb = sandbox();
      tree(sb, { "src/a.py": "x = 1\n", "src/b.bin": new Uint8Array([0, 1]) }); // one skip, so --skipped has a line to write
      for (const flag of ["--summary-json", "--skipped"]) {
        const res = await runWeft(sb, ["chunk", "src", flag, "/dev/full"]);
        expect(res.code).toBe(3);
        expect(res.stdout).toContain('"path":"src/a.py"');
        expect(res.stderr).toContain(`weft: /dev/full: cannot write ${flag} file: ENOSPC`);
      }
    },
  );

  test("auto's stated reason agrees with its decision: small files inline, a big single file on one worker, a file of 64 KiB or more on workers", async () => {
    const sb = sandbox();
    tree(sb, {
      "big.py": "x = 1\n".repeat(400_000),
      "small/a.py": "x = 1\n",
      "small/b.py": "y = 2\n",
      "mid/a.py": "x = 1\n".repeat(11_000),
      "mid/b.py": "y = 2\n",
    });
    const cases: [string, string, number, string][] = [
      ["big.py", "workers", 1, "auto: a single file, on one worker"],
      ["small", "inline", 0, "auto: 0.00 MiB is below 1 MiB, no file reaches 64 KiB"],
      ["mid", "workers", 2, "auto: a file of 0.06 MiB reaches 64 KiB (on workers, signals are seen at once)"],
    ];
    for (const [path, executor, workers, reason] of cases) {
      const run = await runWeft(sb, ["chunk", path, "--summary-json", "s.json"]);
      expect(run.code).toBe(0);
      const summary = JSON.parse(readFileSync(join(sb.dir, "s.json"), "utf8"));
      expect([summary.executor, summary.workers, summary.executorReason]).toEqual([executor, workers, reason]);
    }
  });

  const usage: [string[], string][] = [
    [["--workers", "-1"], 'weft: --workers must be an integer >= 1, got "-1"'],
    [["--timeout", "-5"], 'weft: --timeout must be a number >= 0, got "-5"'],
    [
      ["--workers", "64"],
      `weft: --workers must be at most ${2 * navigator.hardwareConcurrency} (twice the ${navigator.hardwareConcurrency} cores here; more workers only cost memory), got "64"`,
    ],
  ];
  for (const [flags, line] of usage) {
    test(`weft chunk ${flags.join(" ")}: exit 2 with the real reason`, async () => {
      const sb = sandbox();
      tree(sb, { "src/a.py": "x = 1\n" });
      expect(await runWeft(sb, ["chunk", "src", ...flags])).toEqual({ code: 2, stdout: "", stderr: `${line}\n` });
    });
  }

  test("a relative XDG_CACHE_HOME is ignored (XDG spec): the cache goes to ~/.cache/weft", async () => {
    const sb = sandbox();
    tree(sb, { "src/a.py": "x = 1\n" });
    const env = sandboxEnv(sb, { XDG_CACHE_HOME: "relative-cache" });
    delete env.WEFT_CACHE_DIR;
    const res = await runWeft(sb, ["chunk", "src"], env);
    expect(res.code).toBe(0);
    expect(existsSync(join(sb.dir, "relative-cache"))).toBe(false);
    expect(readdirSync(join(sb.home, ".cache", "weft")).some((f) => f.startsWith("python-"))).toBe(true);
    const absolute = join(sb.dir, "xdg");
    expect((await runWeft(sb, ["chunk", "src"], { ...env, XDG_CACHE_HOME: absolute })).code).toBe(0);
    expect(readdirSync(join(absolute, "weft")).some((f) => f.startsWith("python-"))).toBe(true);
  });
});
