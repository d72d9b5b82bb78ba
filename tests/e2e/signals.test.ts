// Ctrl-C and SIGTERM on the compiled binary (issue 23, point 3): a signal during the last (or only)
// file must end the run as interrupted, 130 / 143, with whole lines on stdout, whichever executor
// auto picks or --executor inline asks. No timing is asserted: the signal comes 1 s in, while the 40 MB file is still being
// chunked, and the small files' run cannot end before it (held by its unread output, see
// `interrupted`), so "fewer records than the whole run" shows it stopped early.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, runWeft, sandbox, sandboxEnv, type Sandbox } from "./harness.ts";

setDefaultTimeout(180_000);
afterAll(cleanup);

/** Python source of about `bytes` bytes: classes with methods, so it is chunked semantically. */
function python(bytes: number, seed = 0): string {
  let out = "";
  for (let i = 0; out.length < bytes; i++)
    out += `class C${seed}_${i}:\n    """Doc ${i}."""\n\n    def method_${i}(self, x, y=None):\n        if x > ${i}:\n            return [v * ${i} for v in range(x) if v % 3]\n        return {'k${i}': x, 'y': y}\n\n\n`;
  return out;
}

let sb: Sandbox;
/** big.py is over the default --max-file-size of 10M. */
const BIG = ["--max-file-size", "64M"];
/** Records of the whole, uninterrupted run of each input. */
const whole = new Map<string, number>();
beforeAll(async () => {
  sb = sandbox();
  // 40 MB: over 3 s on one worker on a quiet machine (20 MB took 1.6-2.3 s, and once under 1.5 s
  // during the test suite, with the tree reader), so a signal 1 s in comes mid-file.
  writeFileSync(join(sb.dir, "big.py"), python(40_000_000));
  mkdirSync(join(sb.dir, "small"));
  // 30 files of 30 KB: under 1 MiB, none reaching 64 KiB, so auto runs them inline.
  for (let i = 0; i < 30; i++)
    writeFileSync(join(sb.dir, "small", `m${String(i).padStart(2, "0")}.py`), python(30_000, i));
  for (const input of ["small"]) {
    const run = await runWeft(sb, ["chunk", input, "--quiet"]);
    expect(run.code).toBe(0);
    whole.set(input, run.stdout.split("\n").filter(Boolean).length);
  }
});

/**
 * Runs `weft chunk ARGS`, sends `signal` once the run has been going for `afterMs`, and waits for
 * the end. stdout is a FIFO that is not read until the signal is sent: once 64 KiB are unread weft
 * blocks writing, so a run whose output is larger (the small files') cannot end before the signal,
 * however slow the machine.
 */
async function interrupted(args: string[], signal: "SIGINT" | "SIGTERM", afterMs: number) {
  mkdirSync(join(sb.dir, "tmp"), { recursive: true });
  const fifo = join(sb.dir, `out-${++fifos}.fifo`);
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeEnd = openSync(fifo, constants.O_WRONLY);
  const proc = Bun.spawn([sb.bin, "chunk", ...args, "--summary-json", "s.json"], {
    cwd: sb.dir,
    env: sandboxEnv(sb),
    stdin: "ignore",
    stdout: writeEnd,
    stderr: "pipe",
  });
  closeSync(writeEnd); // weft holds the only writer: end of file when it exits
  const stderrText = new Response(proc.stderr).text();
  await Bun.sleep(afterMs);
  proc.kill(signal);
  const parts: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(readEnd, buf, 0, buf.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      await Bun.sleep(5);
      continue;
    }
    if (n === 0) break;
    parts.push(Buffer.from(buf.subarray(0, n)));
  }
  closeSync(readEnd);
  const [stderr, code] = await Promise.all([stderrText, proc.exited]);
  const stdout = Buffer.concat(parts).toString();
  const lines = stdout.split("\n");
  expect(lines.pop()).toBe(""); // ends with a newline: whole lines only
  for (const line of lines) JSON.parse(line); // each one a whole record
  const summary = JSON.parse(readFileSync(join(sb.dir, "s.json"), "utf8")) as { outcome: string; executor: string };
  return { code, stderr, records: lines.length, summary };
}
let fifos = 0;

describe("a signal stops the run as interrupted, with whole lines (compiled binary)", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    test(`${signal} during the only file (40 MB, auto: one worker): ${code}, stopped before the file's records`, async () => {
      const r = await interrupted(["big.py", ...BIG], signal, 1000);
      expect({ code: r.code, outcome: r.summary.outcome, executor: r.summary.executor }).toEqual({
        code,
        outcome: "interrupted",
        executor: "workers",
      });
      expect(r.records).toBe(0); // a file's records come out when it is done: it was not
      expect(r.stderr).toContain(`weft: interrupted by ${signal} after 0 of 1 files`);
    });

    test(`${signal} among small files chunked inline: ${code}, stopped between files`, async () => {
      const r = await interrupted(["small"], signal, 1500);
      expect({ code: r.code, outcome: r.summary.outcome, executor: r.summary.executor }).toEqual({
        code,
        outcome: "interrupted",
        executor: "inline",
      });
      expect(r.records).toBeLessThan(whole.get("small")!);
    });
  }

  test("SIGINT while a big file's corrupt cache entry is recomputed (on a worker of its own): 130, before its records", async () => {
    const warm = await runWeft(sb, ["chunk", "big.py", ...BIG, "--cache", "c-big", "--quiet"]);
    expect(warm.code).toBe(0);
    const dir = join(sb.dir, "c-big");
    const [entry] = readdirSync(dir).filter((n) => n.endsWith(".wce"));
    writeFileSync(join(dir, entry!), readFileSync(join(dir, entry!)).subarray(0, 1000)); // truncated
    const r = await interrupted(["big.py", ...BIG, "--cache", "c-big"], "SIGINT", 1000);
    expect({ code: r.code, outcome: r.summary.outcome }).toEqual({ code: 130, outcome: "interrupted" });
    expect(r.records).toBe(0);
  });

  // On the main thread too: the tree reader notes the signal in C, and the parse and the chunkers'
  // long loops stop for it (src/model/interrupt.ts).
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)
    test(`${signal} during the only file with --executor inline: ${code}, stopped before the file's records`, async () => {
      const r = await interrupted(["big.py", ...BIG, "--executor", "inline"], signal, 1000);
      expect({ code: r.code, outcome: r.summary.outcome, executor: r.summary.executor }).toEqual({
        code,
        outcome: "interrupted",
        executor: "inline",
      });
      expect(r.records).toBe(0);
      expect(r.stderr).toContain(`weft: interrupted by ${signal} after 0 of 1 files`);
    });

  test("SIGINT while a big file's corrupt cache entry is recomputed with --executor inline (on this thread): 130, before its records", async () => {
    const warm = await runWeft(sb, ["chunk", "big.py", ...BIG, "--cache", "c-inline", "--quiet"]);
    expect(warm.code).toBe(0);
    const dir = join(sb.dir, "c-inline");
    const [entry] = readdirSync(dir).filter((n) => n.endsWith(".wce"));
    writeFileSync(join(dir, entry!), readFileSync(join(dir, entry!)).subarray(0, 1000)); // truncated
    const r = await interrupted(["big.py", ...BIG, "--cache", "c-inline", "--executor", "inline"], "SIGINT", 1000);
    expect({ code: r.code, outcome: r.summary.outcome }).toEqual({ code: 130, outcome: "interrupted" });
    expect(r.records).toBe(0);
  });
});
