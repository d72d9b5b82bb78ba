// Tests of the benchmark harness's own logic (no timing assertions; the benchmark itself is `bun run bench`).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupByLanguage, listCorpus, materialize, resolveCorpus } from "./corpus.ts";
import { countLines, rssSource, runChild, summarize } from "./measure.ts";
import { scanOutput, tally } from "./outputScan.ts";
import { executorFlags, type Capabilities } from "./weftBinary.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-bench-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

describe("summarize", () => {
  test("median of odd and even counts, spread relative to the median, NaN ignored", () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, spread: 1, n: 3 });
    expect(summarize([4, 1, 3, 2, NaN]).median).toBe(2.5);
    expect(summarize([]).n).toBe(0);
  });
});

describe("corpus", () => {
  test("a build-corpus.sh layout is measured on src/, and an unfinished one is refused", () => {
    const c = join(dir, "corpus");
    tree(c, { "src/go/a.go": "package a\n", "downloads/x.deb": "!" });
    expect(resolveCorpus(c)).toEqual({ error: expect.stringContaining("incomplete") });
    writeFileSync(join(c, "MANIFEST.tsv"), "");
    expect(resolveCorpus(c)).toEqual({ root: join(c, "src") });
    expect(resolveCorpus(join(c, "src", "go"))).toEqual({ root: join(c, "src", "go") });
    expect(resolveCorpus(join(dir, "missing"))).toEqual({ error: expect.stringContaining("does not exist") });
  });

  test("listing skips dot entries and node_modules, detects languages, groups small ones as other", () => {
    const c = join(dir, "list");
    tree(c, {
      "a.py": "x = 1\n".repeat(100),
      "b.go": "package b\n".repeat(100),
      "c.rs": "fn c() {}\n".repeat(2),
      "d.txt": "notes\n".repeat(4),
      ".hidden/e.py": "nope\n",
      "node_modules/f.js": "nope\n",
    });
    const files = listCorpus(c);
    expect(files.map((f) => `${f.rel}:${f.language}`)).toEqual(["a.py:python", "b.go:go", "c.rs:rust", "d.txt:text"]);
    const groups = groupByLanguage(files, 0.02);
    // rust (20 B) and text (24 B) are each under 2% of 1,644 B, together over it
    expect(groups.map((g) => g.name)).toEqual(["go", "python", "other"]);
    expect(groups.reduce((s, g) => s + g.files.length, 0)).toBe(files.length);
    expect(groupByLanguage(files, 0.05).map((g) => g.name)).toEqual(["go", "python"]);
  });

  test("materialize makes N copies of the same bytes", () => {
    const c = join(dir, "mat");
    tree(c, { "x/a.py": "a = 1\n", "b.go": "package b\n" });
    const out = join(dir, "mat-out");
    materialize(listCorpus(c), out, 3);
    const copies = listCorpus(out);
    expect(copies.length).toBe(6);
    expect(copies.map((f) => f.rel)).toContain("copy2/x/a.py");
    expect(statSync(join(out, "copy1/b.go")).size).toBe(statSync(join(c, "b.go")).size);
  });
});

describe("output scan", () => {
  test("tallies chunks and covered bytes per corpus file, across copies, and counts stray lines", async () => {
    const out = join(dir, "out.jsonl");
    const rec = (path: string, s: number, e: number) =>
      JSON.stringify({ path, byte_start: s, byte_end: e, content: "x" });
    writeFileSync(
      out,
      [rec("copy0/a.py", 0, 4), rec("./copy0/a.py", 4, 6), rec("copy1/b.go", 0, 10), "not json", '{"id":1}', ""].join(
        "\n",
      ),
    );
    expect(countLines(out)).toBe(5);
    const { perFile, unparsed } = await scanOutput(out, dir);
    expect(unparsed).toBe(2);
    expect(perFile.get("a.py")).toEqual({ chunks: 2, covered: 6 });
    const files = [
      { rel: "a.py", abs: "", size: 6, language: "python" },
      { rel: "b.go", abs: "", size: 10, language: "go" },
      { rel: "c.rs", abs: "", size: 1, language: "rust" },
    ];
    expect(tally(files, perFile)).toEqual({ chunks: 3, covered: 16, filesWithChunks: 2 });
  });
});

describe("weft flags", () => {
  const caps = (executor: boolean, workers: boolean): Capabilities => ({
    version: "x",
    executor,
    workers,
    diagnose: false,
  });
  test("a configuration the binary cannot express is reported as unsupported (null), never silently run as default", () => {
    expect(executorFlags(caps(false, false), "inline")).toBeNull();
    expect(executorFlags(caps(false, false), 2)).toBeNull();
    expect(executorFlags(caps(false, false), "default")).toEqual([]);
    expect(executorFlags(caps(true, true), "inline")).toEqual(["--executor", "inline"]);
    expect(executorFlags(caps(true, true), 2)).toEqual(["--executor", "workers", "--workers", "2"]);
    expect(executorFlags(caps(false, true), 1)).toEqual(["--workers", "1"]);
  });
});

describe("runChild", () => {
  test("peak RSS is the child's own, not the harness's memory", async () => {
    const ballast = new Uint8Array(300e6).fill(1); // the parent is big; a tiny child must not look big
    const small = await runChild({
      cmd: ["true"],
      cwd: dir,
      stdout: { kind: "null" },
      stderrPath: join(dir, "e1"),
      timeoutMs: 30_000,
    });
    const big = await runChild({
      cmd: [process.execPath, "-e", "const a = new Uint8Array(200e6).fill(1); console.log(a[5])"],
      cwd: dir,
      stdout: { kind: "capture" },
      stderrPath: join(dir, "e2"),
      timeoutMs: 60_000,
    });
    expect(ballast[1]).toBe(1);
    expect(big.stdout.trim()).toBe("1");
    expect(big.maxRssBytes).toBeGreaterThan(200e6);
    if (rssSource === "gnu-time") expect(small.maxRssBytes).toBeLessThan(50e6);
    else console.warn("GNU time not installed: peak RSS includes the harness (apt-get install time)");
  });

  test("a child past its timeout is killed with its descendants and reported as timed out", async () => {
    const r = await runChild({
      cmd: ["sh", "-c", "sleep 30; echo late"],
      cwd: dir,
      stdout: { kind: "capture" },
      stderrPath: join(dir, "e3"),
      timeoutMs: 300,
    });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.stdout).toBe("");
  });
});
