// Files that change between discovery and the read, in the compiled binary. To change them at the
// right moment without a test hook, the run is held still by its own output: the first file is big
// (about 4 MB of JSON Lines), weft writes output synchronously in blocks of 1 MiB, and this test does
// not read stdout until it has changed the tree. So when the first bytes arrive, discovery is over
// (output starts after it) and weft is blocked writing the big file's chunks, which it cannot finish
// until this test reads more (the socket and Bun's read-ahead take under 1 MB unread: 765 KB measured
// with a writer that never stops), so the later files are read after the change, every time, however
// slow the machine. Inline executor, so files are read one after the other, in path order.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cleanup, sandbox, sandboxEnv, type Sandbox } from "./harness.ts";

afterAll(cleanup);

/** A text file of about 3.5 MB: lines of words, so its chunks come to more JSON than any socket buffer holds. */
function bigText(): string {
  const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  let out = "";
  for (let i = 0; i < 150_000; i++) out += `${words[i % 8]} ${words[(i * 3) % 8]} ${words[(i * 5) % 8]} ${i}\n`;
  return out;
}

/** Runs the binary; once its first output arrives, calls `change`, then reads the rest. */
async function runChanging(sb: Sandbox, args: string[], change: () => void, prefix: string[] = []) {
  mkdirSync(join(sb.dir, "tmp"), { recursive: true });
  const proc = Bun.spawn([...prefix, sb.bin, ...args], {
    cwd: sb.dir,
    env: sandboxEnv(sb),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(proc.stderr).text();
  const reader = proc.stdout.getReader();
  const first = await reader.read();
  change();
  const parts: Uint8Array[] = first.value ? [first.value] : [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  return {
    code: await proc.exited,
    stdout: Buffer.concat(parts).toString(),
    stderr: await stderr,
    firstBytes: first.value?.length ?? 0,
  };
}

const IGNORE = ["--exclude", "home/", "--exclude", "tmp/", "--exclude", "cache/"];
const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("files that change after discovery (compiled binary)", () => {
  test("gone, or under a directory that became a file: skipped not-found; become a directory: failed with EISDIR; the rest chunked", async () => {
    const sb = sandbox();
    writeFileSync(join(sb.dir, "a-big.txt"), bigText());
    writeFileSync(join(sb.dir, "b-gone.py"), "x = 1\n");
    writeFileSync(join(sb.dir, "c-dir.py"), "y = 2\n");
    mkdirSync(join(sb.dir, "d"));
    writeFileSync(join(sb.dir, "d/e.py"), "z = 3\n");
    writeFileSync(join(sb.dir, "f-ok.py"), "ok = 4\n");
    const r = await runChanging(
      sb,
      ["chunk", "--executor", "inline", "--skipped", "skips.jsonl", "--summary-json", "summary.json", ...IGNORE],
      () => {
        rmSync(join(sb.dir, "b-gone.py"));
        rmSync(join(sb.dir, "c-dir.py"));
        mkdirSync(join(sb.dir, "c-dir.py"));
        rmSync(join(sb.dir, "d"), { recursive: true });
        writeFileSync(join(sb.dir, "d"), "now a file\n");
      },
    );
    expect(r.stdout.length).toBeGreaterThan(3_000_000); // the hold lasts as long as this output is unread
    expect(r.code).toBe(1); // one file failed
    const chunks = lines(r.stdout);
    expect([...new Set(chunks.map((c) => c.path))]).toEqual(["a-big.txt", "f-ok.py"]);
    expect(lines(await Bun.file(join(sb.dir, "skips.jsonl")).text())).toEqual([
      { path: "b-gone.py", reason: "not-found", detail: "vanished after discovery: ENOENT: no such file or directory" },
      { path: "d/e.py", reason: "not-found", detail: "vanished after discovery: ENOTDIR: not a directory" },
    ]);
    const summary = await Bun.file(join(sb.dir, "summary.json")).json();
    expect(summary.failures).toEqual([
      {
        path: "c-dir.py",
        stage: "read",
        code: "EISDIR",
        message: "cannot be read: EISDIR: illegal operation on a directory",
      },
    ]);
    expect(r.stderr).toContain("c-dir.py");
    expect(r.stderr).not.toContain("    at "); // no stack trace
  });

  // Root reads every file whatever its mode, so the binary runs as an unprivileged user when we are root.
  const asUser =
    process.getuid?.() === 0
      ? existsSync("/usr/bin/setpriv")
        ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        : null
      : [];
  test.skipIf(asUser === null)(
    "no longer readable (permissions): skipped as unreadable, as discovery would",
    async () => {
      const sb = sandbox();
      writeFileSync(join(sb.dir, "a-big.txt"), bigText());
      writeFileSync(join(sb.dir, "b-locked.py"), "x = 1\n");
      writeFileSync(join(sb.dir, "c-ok.py"), "ok = 2\n");
      mkdirSync(join(sb.dir, "tmp"), { recursive: true });
      if (asUser!.length > 0) {
        chmodSync(dirname(sb.dir), 0o755); // the sandbox root holds the binary
        for (const name of ["", ...readdirSync(sb.dir, { recursive: true }).map(String)])
          chownSync(join(sb.dir, name), 65534, 65534);
      }
      const r = await runChanging(
        sb,
        ["chunk", "--executor", "inline", "--skipped", "skips.jsonl", ...IGNORE],
        () => chmodSync(join(sb.dir, "b-locked.py"), 0o000),
        asUser!,
      );
      expect(r.stderr).not.toContain("    at ");
      expect(r.code).toBe(0);
      expect([...new Set(lines(r.stdout).map((c) => c.path))]).toEqual(["a-big.txt", "c-ok.py"]);
      expect(lines(await Bun.file(join(sb.dir, "skips.jsonl")).text())).toEqual([
        { path: "b-locked.py", reason: "unreadable", detail: "cannot be read: EACCES: permission denied" },
      ]);
    },
  );
  if (asUser === null) console.warn("SKIPPED the permission test: running as root without setpriv to drop privileges");
});
