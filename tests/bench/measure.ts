import { closeSync, openSync, readFileSync, readSync } from "node:fs";

/** One run of one child process: wall time seen by the parent, CPU and peak RSS from wait4(). */
export type RunSample = {
  wallMs: number;
  cpuMs: number;
  maxRssBytes: number;
  exitCode: number | null;
  timedOut: boolean;
};

/** Where a child's stdout goes: thrown away, into a file (path), or captured in memory (small output only). */
export type StdoutTarget = { kind: "null" } | { kind: "file"; path: string } | { kind: "capture" };

export type SpawnSpec = {
  cmd: string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  stdout: StdoutTarget;
  /** stderr always goes to this file so a chatty child never blocks on a full pipe. */
  stderrPath: string;
  timeoutMs: number;
};

export type SpawnResult = RunSample & { stdout: string };

/**
 * Runs a child process to completion and measures it. Peak RSS and CPU come from the kernel's
 * rusage of that child (Bun's `resourceUsage()`), so every measurement has its own peak, and the
 * parent's memory never counts. Wall time includes process start, as a user sees it.
 */
export async function runChild(spec: SpawnSpec): Promise<SpawnResult> {
  const outFd = spec.stdout.kind === "null" ? openSync("/dev/null", "w") : spec.stdout.kind === "file" ? openSync(spec.stdout.path, "w") : undefined;
  const errFd = openSync(spec.stderrPath, "w");
  try {
    const start = performance.now();
    const proc = Bun.spawn(spec.cmd, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdin: "ignore",
      stdout: outFd ?? "pipe",
      stderr: errFd,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      proc.kill("SIGKILL");
    }, spec.timeoutMs);
    const captured = outFd === undefined ? new Response(proc.stdout as ReadableStream).text() : Promise.resolve("");
    const exitCode = await proc.exited;
    const wallMs = performance.now() - start;
    clearTimeout(timer);
    const usage = proc.resourceUsage();
    return {
      wallMs,
      cpuMs: usage ? Number(usage.cpuTime.total) / 1000 : NaN,
      maxRssBytes: usage?.maxRSS ?? NaN,
      exitCode: timedOut ? null : exitCode,
      timedOut,
      stdout: await captured,
    };
  } finally {
    if (outFd !== undefined) closeSync(outFd);
    closeSync(errFd);
  }
}

/** Number of newline bytes in a file, read in 1 MB blocks (output files can be hundreds of MB). */
export function countLines(path: string): number {
  const fd = openSync(path, "r");
  const buf = new Uint8Array(1 << 20);
  let lines = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return lines;
      for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
    }
  } finally {
    closeSync(fd);
  }
}

/** The last `n` non-empty lines of a (small) text file, for error reports. */
export function tailLines(path: string, n: number): string[] {
  try {
    return readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "").slice(-n);
  } catch {
    return [];
  }
}

/** Median, min and max of samples, and the spread (max - min) relative to the median. */
export type Summary = { median: number; min: number; max: number; spread: number; n: number };

/** Summarises numeric samples; NaN when there are none. */
export function summarize(values: readonly number[]): Summary {
  const xs = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, spread: NaN, n: 0 };
  const mid = xs.length >> 1;
  const median = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  const min = xs[0]!;
  const max = xs[xs.length - 1]!;
  return { median, min, max, spread: median > 0 ? (max - min) / median : NaN, n: xs.length };
}
