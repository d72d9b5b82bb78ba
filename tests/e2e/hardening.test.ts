// Issue 23 on the compiled binary: weft's own caches inside the walked tree, numbers that are not
// decimal, the skip line with --skipped.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, runWeft, sandbox, sandboxEnv, type Sandbox } from "./harness.ts";

setDefaultTimeout(120_000);
afterAll(cleanup);

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
  mkdirSync(join(sb.dir, "tree", "src"), { recursive: true });
  writeFileSync(join(sb.dir, "tree", "src", "a.py"), "def a():\n    return 1\n");
  writeFileSync(join(sb.dir, "tree", "src", "b.ts"), "export const b = 2;\n");
  writeFileSync(join(sb.dir, "tree", "blob.bin"), Buffer.from([0, 1, 2, 0]));
  mkdirSync(join(sb.dir, "skips"));
  writeFileSync(join(sb.dir, "skips", "a.py"), "a = 1\n");
  writeFileSync(join(sb.dir, "skips", "blob.bin"), Buffer.from([0, 1, 2, 0]));
});

const pathsOf = (stdout: string) => [
  ...new Set(
    stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { path: string }).path),
  ),
];

test("the chunk cache and the parser cache inside the walked tree are left out like .git: the output is the same on every run", async () => {
  const env = sandboxEnv(sb, { WEFT_CACHE_DIR: join(sb.dir, "tree", "parsers") });
  const runs = [];
  for (let i = 0; i < 3; i++)
    runs.push(await runWeft(sb, ["chunk", "tree", "--cache", "tree/.chunks2", "--hidden"], env));
  for (const r of runs) expect(r.code).toBe(0);
  expect(pathsOf(runs[0]!.stdout)).toEqual(["tree/src/a.py", "tree/src/b.ts"]);
  expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
  expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
  // Both caches are really there, inside the tree, and hold files.
  expect(readdirSync(join(sb.dir, "tree", ".chunks2")).filter((n) => n.endsWith(".wce"))).toHaveLength(2);
  expect(readdirSync(join(sb.dir, "tree", "parsers")).length).toBeGreaterThan(0);
  // A cache directory without a leading dot, on workers too.
  const plain = await runWeft(sb, ["chunk", "tree", "--cache", "tree/chunks", "--executor", "workers"], env);
  const again = await runWeft(sb, ["chunk", "tree", "--cache", "tree/chunks", "--executor", "workers"], env);
  expect(pathsOf(again.stdout)).toEqual(["tree/src/a.py", "tree/src/b.ts"]);
  expect(again.stdout).toBe(plain.stdout);
  // weft files lists what weft chunk would chunk: not the parser cache.
  const files = await runWeft(sb, ["files", "tree"], env);
  expect(files.stdout).not.toContain("tree/parsers");
});

test("numbers are decimal digits only: --workers 0x2 and --max-tokens ' 16' are usage errors", async () => {
  for (const [flag, raw, message] of [
    ["--workers", "0x2", 'weft: --workers must be an integer >= 1, got "0x2"'],
    ["--workers", "2e0", 'weft: --workers must be an integer >= 1, got "2e0"'],
    ["--max-tokens", " 16", "weft: --max-tokens must be an integer from 16 to 100000000, got ' 16'"],
    ["--max-tokens", "0x40", "weft: --max-tokens must be an integer from 16 to 100000000, got '0x40'"],
  ] as const) {
    const r = await runWeft(sb, ["chunk", "tree", flag, raw]);
    expect({ flag, raw, code: r.code, stdout: r.stdout }).toEqual({ flag, raw, code: 2, stdout: "" });
    expect(r.stderr.split("\n")[0]).toBe(message);
  }
});

test("the skip line names the --skipped file when one was given, and suggests one when not", async () => {
  const without = await runWeft(sb, ["chunk", "skips"]);
  expect(without.stderr).toContain(
    "weft: skipped 1 file (binary 1); list them with --skipped FILE or `weft files --skipped`\n",
  );
  const given = await runWeft(sb, ["chunk", "skips", "--skipped", "skips.jsonl"]);
  expect(given.stderr).toContain("weft: skipped 1 file (binary 1); listed in skips.jsonl\n");
});

/** VmRSS of a running process in KB (Linux /proc), or undefined elsewhere. */
async function rssKb(pid: number): Promise<number | undefined> {
  const status = await Bun.file(`/proc/${pid}/status`)
    .text()
    .catch(() => "");
  const m = /VmRSS:\s+(\d+)/.exec(status);
  return m ? Number(m[1]) : undefined;
}

test("--stdin < /dev/zero: a path longer than PATH_MAX is one usage line, exit 2, at once", async () => {
  const proc = Bun.spawn([sb.bin, "chunk", "--stdin"], {
    cwd: sb.dir,
    env: sandboxEnv(sb),
    stdin: Bun.file("/dev/zero"),
    stdout: "pipe",
    stderr: "pipe",
  });
  const killer = setTimeout(() => proc.kill("SIGKILL"), 30_000); // bounded: a weft that reads on forever fails below
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(killer);
  expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
  expect(stderr).toBe(
    "weft: --stdin: listed path 1 is longer than 4096 bytes (PATH_MAX): stdin is not a list of paths (one per line, or NUL-separated with -0)\n",
  );
});

for (const [what, signal, code] of [
  ["-0 < /dev/zero (endless empty entries)", "SIGINT", 130],
  ["an endless `yes a.py` (one path, repeated)", "SIGTERM", 143],
] as const) {
  test(`--stdin ${what}: memory stays bounded, and ${signal} stops it with ${code}`, async () => {
    const zero = what.startsWith("-0");
    const proc = Bun.spawn([sb.bin, "chunk", "--stdin", ...(zero ? ["-0"] : [])], {
      cwd: sb.dir,
      env: sandboxEnv(sb),
      stdin: zero ? Bun.file("/dev/zero") : "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    let writing = !zero;
    const writer = (async () => {
      if (zero) return;
      const sink = proc.stdin as import("bun").FileSink;
      const block = "a.py\n".repeat(20_000);
      try {
        while (writing) {
          sink.write(block);
          await sink.flush();
        }
      } catch {
        // weft exited: the pipe is closed
      }
    })();
    const exited = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    await Bun.sleep(1500);
    const rss = await rssKb(proc.pid);
    proc.kill(signal);
    const killer = setTimeout(() => proc.kill("SIGKILL"), 30_000); // bounded: a deaf weft fails below
    const [stdout, stderr, exitCode] = await exited;
    clearTimeout(killer);
    writing = false;
    await writer;
    expect({ exitCode, stdout }).toEqual({ exitCode: code, stdout: "" });
    expect(stderr).toBe(`weft: interrupted by ${signal} while reading the --stdin list; nothing was chunked\n`);
    // It grew to gigabytes within 2 s before: 300 MB is far above what a bounded reader needs (about 60 MB measured).
    if (rss !== undefined) expect(rss).toBeLessThan(300_000);
  });
}
