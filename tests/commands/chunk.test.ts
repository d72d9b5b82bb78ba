import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { ChunkSchema } from "../../src/model/chunk.ts";
import { SummarySchema } from "../../src/output/summary.ts";
import { fromSource, runWeft, SOURCE_CLI } from "../e2e/harness.ts";
import { discoverFiles, fixtureTree } from "../execute/fixtures.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine.
setDefaultTimeout(120_000);

let dir: string;
let tmp: string;

const weft = (args: string[]) => runWeft(fromSource(), args);

beforeAll(() => {
  dir = fixtureTree();
  tmp = mkdtempSync(join(tmpdir(), "weft-cmd-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe("weft chunk", () => {
  test("JSONL on stdout, summary on stderr and in --summary-json, exit 0", async () => {
    const summaryPath = join(tmp, "summary.json");
    const { code, stdout, stderr } = await weft(["chunk", dir, "--executor", "workers", "--summary-json", summaryPath]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    for (const line of lines) expect(v.is(ChunkSchema, JSON.parse(line))).toBe(true);
    const summary = v.parse(SummarySchema, JSON.parse(readFileSync(summaryPath, "utf8")));
    expect(summary).toMatchObject({
      outcome: "complete",
      exitCode: 0,
      executor: "workers",
      workers: 2,
      chunks: lines.length,
      unaccounted: [],
    });
    expect(summary.chunked + summary.skipped + summary.failed).toBe(summary.submitted);
    // Not UTF-8, chunked all the same: the record lists the bytes its U+FFFDs stand for.
    const latin1 = lines.map((l) => JSON.parse(l)).filter((c) => c.path === join(dir, "misc/latin1.txt"));
    expect(latin1).toMatchObject([
      {
        byte_start: 0,
        byte_end: 7,
        content: "caf\uFFFD\n\uFFFD\uFFFD",
        invalid_utf8: [
          { byte_start: 3, byte_end: 4, hex: "e9" },
          { byte_start: 5, byte_end: 6, hex: "ff" },
          { byte_start: 6, byte_end: 7, hex: "fe" },
        ],
      },
    ]);
    expect(summary.skips).toEqual([]);
    expect(stderr).toMatch(
      /^weft: \d+ files: \d+ chunked \(2 not valid UTF-8\), 0 skipped, 0 failed; \d+ chunks; .* MB\/s\); executor 2 workers \(--executor workers\)\n$/,
    );
    expect(stderr).not.toContain("\r"); // no progress bar when stderr is not a terminal
  });

  test("workers (1 or 2) and inline print identical bytes", async () => {
    const runs = await Promise.all(
      [["inline"], ["workers", "--workers", "1"], ["workers", "--workers", "2"]].map(([e, ...rest]) =>
        weft(["chunk", dir, "--quiet", "--executor", e!, ...rest]),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
    expect(runs.map((r) => r.stderr)).toEqual(["", "", ""]);
  });

  test("auto says why it chose: a small job with a file of 64 KiB or more runs on workers (signals are seen at once)", async () => {
    const { stderr } = await weft(["chunk", join(dir, "misc")]);
    expect(stderr).toMatch(
      /executor \d workers \(auto: a file of 0\.\d+ MiB reaches 64 KiB \(on workers, signals are seen at once\)\)/,
    );
  });

  test("--format json groups the same chunks by file", async () => {
    const [jsonl, json] = await Promise.all([
      weft(["chunk", dir, "--quiet"]),
      weft(["chunk", dir, "--quiet", "--format", "json"]),
    ]);
    const doc = JSON.parse(json.stdout) as Record<string, unknown[]>;
    const flat = jsonl.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(Object.values(doc).flat()).toEqual(flat);
    expect(Object.keys(doc).filter((k) => doc[k]!.length > 0)).toEqual([...new Set(flat.map((c) => c.path))]);
  });

  test("--format text previews every chunk", async () => {
    const { code, stdout } = await weft(["chunk", join(dir, "misc/app.py"), "--format", "text", "--quiet"]);
    expect(code).toBe(0);
    expect(stdout).toStartWith(`── ${join(dir, "misc/app.py")}  chunk 1/`);
    expect(stdout).toContain("class Greeter:");
  });

  for (const [flags, message] of [
    [["--workers", "0"], /--workers must be an integer >= 1, got "0"/],
    [["--workers", "two"], /--workers must be an integer/],
    [["--workers", "-1"], /--workers must be an integer >= 1, got "-1"/],
    [
      ["--workers", "999"],
      /--workers must be at most \d+ \(twice the \d+ cores here; more workers only cost memory\), got "999"/,
    ],
    [["--timeout", "-3"], /--timeout must be a number >= 0, got "-3"/],
    [["--skipped", "/nonexistent-dir/s.jsonl"], /\/nonexistent-dir\/s.jsonl: cannot write --skipped file: ENOENT/],
    [["--timeout", "soon"], /--timeout must be a number >= 0, got "soon"/],
    [["--format", "xml"], /--format must be one of jsonl, json, text, got "xml"/],
    [["--executor", "gpu"], /--executor must be one of auto, inline, workers/],
    [["--summary-json", "/nonexistent-dir/s.json"], /cannot write --summary-json file/],
  ] as const) {
    test(`usage error ${flags.join(" ")} -> exit 2, one line`, async () => {
      const { code, stdout, stderr } = await weft(["chunk", dir, ...flags]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    });
  }

  test("--help documents the options and the exit codes", async () => {
    const [main, chunk] = await Promise.all([weft(["--help"]), weft(["chunk", "--help"])]);
    expect([main.code, chunk.code]).toEqual([0, 0]);
    expect(main.stdout).toContain("EXIT CODES");
    for (const c of ["0 ", "1 ", "2 ", "3 ", "4 ", "130/143"]) expect(main.stdout).toContain(`\n  ${c}`);
    for (const flag of ["--format", "--executor", "--workers", "--timeout", "--quiet", "--summary-json"])
      expect(chunk.stdout).toContain(flag);
  });
});

describe("stopping early", () => {
  test("a reader that goes away (| head -1): exit 0, nothing on stderr", async () => {
    const big = mkdtempSync(join(tmpdir(), "weft-big-"));
    const line = `def f(x):\n    return "${"z".repeat(200)}"\n\n`;
    for (let i = 0; i < 40; i++) writeFileSync(join(big, `m${String(i).padStart(2, "0")}.py`), line.repeat(400));
    const summaryPath = join(tmp, "epipe.json");
    const script = `bun ${SOURCE_CLI} chunk ${big} --executor workers --summary-json ${summaryPath} | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`;
    const proc = Bun.spawn(["bash", "-c", script], { stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    rmSync(big, { recursive: true, force: true });
    expect(stderr).toBe("rc=0\n");
    expect(v.is(ChunkSchema, JSON.parse(stdout))).toBe(true);
    expect(JSON.parse(readFileSync(summaryPath, "utf8"))).toMatchObject({ outcome: "output-closed", exitCode: 0 });
  });

  for (const [signal, exitCode] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    test(`${signal} while a file hangs: workers stopped, output flushed, exit ${exitCode}`, async () => {
      const files = discoverFiles([dir]);
      const hung = files[3]!;
      const summaryPath = join(tmp, `${signal}.json`);
      const proc = Bun.spawn(
        ["bun", join(import.meta.dir, "fixtures/runWithFault.ts"), dir, hung.path, "hang", summaryPath],
        { stdout: "pipe", stderr: "pipe" },
      );
      // Wait until the files before the hung one are out (the periodic flush sends them), then signal.
      const reader = proc.stdout.getReader();
      let stdout = "";
      while (stdout.split("\n").length <= 3) {
        const { value, done } = await reader.read();
        if (done) break;
        stdout += new TextDecoder().decode(value);
      }
      proc.kill(signal);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        stdout += new TextDecoder().decode(value);
      }
      const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
      expect(code).toBe(exitCode);
      expect(stderr).toContain(`weft: interrupted by ${signal} after 3 of ${files.length} files`);
      expect(stdout.endsWith("\n")).toBe(true);
      const paths = new Set(
        stdout
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l).path),
      );
      expect([...paths]).toEqual(files.slice(0, 3).map((f) => f.path));
      expect(JSON.parse(readFileSync(summaryPath, "utf8"))).toMatchObject({ outcome: "interrupted", exitCode });
    });
  }

  test("a file that fails: reported on stderr with its path, the rest written, exit 1", async () => {
    const files = discoverFiles([dir]);
    const victim = files[2]!;
    const proc = Bun.spawn(["bun", join(import.meta.dir, "fixtures/runWithFault.ts"), dir, victim.path, "crash"], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `weft: ${victim.path}: worker crashed: injected fault "crash" on ${victim.path}; retried alone on a new worker, it failed again [worker-died]`,
    );
    const paths = new Set(
      stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).path),
    );
    expect(paths.has(victim.path)).toBe(false);
    expect(paths.has(files[3]!.path)).toBe(true);
    expect(stderr).toMatch(/, 1 failed;/);
  });
});
