import { closeSync, openSync, readFileSync, readSync } from "node:fs";

/** One run of one child process: wall time seen by the parent, CPU time and peak RSS of the child. */
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

const GNU_TIME = "/usr/bin/time";

/**
 * How peak RSS is measured. Bun's `resourceUsage().maxRSS` of a spawned child includes the memory
 * it shared with the parent before exec (a 500 MB harness made `/bin/true` report 540 MB), so the
 * child is wrapped in GNU time, whose own footprint before exec is about 1 MB. Without GNU time
 * (apt install time) the figures are upper bounds that include the harness.
 */
export const rssSource: "gnu-time" | "rusage-with-parent" = (() => {
  try {
    const r = Bun.spawnSync([GNU_TIME, "-f", "%M", "-o", "/dev/null", "true"]);
    return r.exitCode === 0 ? "gnu-time" : "rusage-with-parent";
  } catch {
    return "rusage-with-parent";
  }
})();

/**
 * Runs a child process to completion and measures it: wall time seen by the parent (process start
 * included, as a user sees it), CPU time and peak RSS of that child alone (see `rssSource`).
 */
export async function runChild(spec: SpawnSpec): Promise<SpawnResult> {
  const outFd =
    spec.stdout.kind === "null"
      ? openSync("/dev/null", "w")
      : spec.stdout.kind === "file"
        ? openSync(spec.stdout.path, "w")
        : undefined;
  const errFd = openSync(spec.stderrPath, "w");
  const statsPath = `${spec.stderrPath}.time`;
  const cmd = rssSource === "gnu-time" ? [GNU_TIME, "-f", "%M %U %S", "-o", statsPath, ...spec.cmd] : spec.cmd;
  try {
    const start = performance.now();
    const proc = Bun.spawn(cmd, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdin: "ignore",
      stdout: outFd ?? "pipe",
      stderr: errFd,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(proc.pid);
    }, spec.timeoutMs);
    const captured = outFd === undefined ? new Response(proc.stdout as ReadableStream).text() : Promise.resolve("");
    const exitCode = await proc.exited;
    const wallMs = performance.now() - start;
    clearTimeout(timer);
    let cpuMs = NaN;
    let maxRssBytes = NaN;
    if (rssSource === "gnu-time") {
      // The last line holds the format; a killed child gets a "Command terminated by signal" line before it.
      const last = tailLines(statsPath, 1)[0]?.trim().split(/\s+/).map(Number) ?? [];
      if (last.length === 3 && last.every(Number.isFinite)) {
        maxRssBytes = last[0]! * 1024;
        cpuMs = (last[1]! + last[2]!) * 1000;
      }
    } else {
      const usage = proc.resourceUsage();
      if (usage) {
        maxRssBytes = usage.maxRSS;
        cpuMs = Number(usage.cpuTime.total) / 1000;
      }
    }
    return { wallMs, cpuMs, maxRssBytes, exitCode: timedOut ? null : exitCode, timedOut, stdout: await captured };
  } finally {
    if (outFd !== undefined) closeSync(outFd);
    closeSync(errFd);
  }
}

/** SIGKILLs a process and its descendants (the child under GNU time would outlive a killed wrapper). */
function killTree(pid: number): void {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    // not Linux, or already gone
  }
  for (const c of children) killTree(c);
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already exited
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
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(-n);
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
