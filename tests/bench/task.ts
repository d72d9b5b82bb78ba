import { join } from "node:path";
import { countLines, runChild, summarize, tailLines, type RunSample, type Summary } from "./measure.ts";

/** inline, a worker count, or whatever `weft chunk` does with no executor flag. */
export type Workers = number | "inline" | "default";

export type Tool = "read" | "parse" | "weft" | "startup";

/** One thing measured several times: a command, the files it covers, and its samples. */
export type Task = {
  section: "startup" | "throughput" | "languages" | "scaling" | "cache";
  label: string;
  tool: Tool;
  workers: Workers;
  output: "null" | "file";
  /** weft's tokenizer: its default (o200k), or `bytes` (--tokenizer bytes --max-tokens 2000). */
  tokenizer?: "default" | "bytes";
  /** "all" or a language group name. */
  group: string;
  scale: number;
  files: number;
  bytes: number;
  cwd: string;
  /** null: this weft binary does not support the configuration. */
  cmd: string[] | null;
  /** Environment per repetition (e.g. a fresh cache directory for a cold start). */
  env?: (rep: number) => Record<string, string>;
  /** Runs before each repetition, untimed (e.g. empty a cache, edit a file). */
  prepare?: (rep: number) => void;
  /** Exit codes that still count as a valid run (weft: 1 = some files failed, the rest written). */
  okExit: number[];
  samples: RunSample[];
  /** Lines of output per repetition when output goes to a file. */
  chunkCounts: number[];
  /** The baseline's own report (files parsed, invalid UTF-8...), from its stdout. */
  baseline?: Record<string, number>;
  status: "ok" | "unsupported" | "failed";
  note: string[];
};

/** A task with defaults filled in. */
export function task(
  t: Omit<Task, "samples" | "chunkCounts" | "status" | "note" | "okExit"> & { okExit?: number[] },
): Task {
  return {
    okExit: [0],
    ...t,
    samples: [],
    chunkCounts: [],
    status: t.cmd ? "ok" : "unsupported",
    note: t.cmd ? [] : ["not supported by this weft binary"],
  };
}

/** Stable file name for a task's output and stderr files. */
export function taskSlug(t: Task): string {
  return `${t.section}-${t.tool}-${t.group}-x${t.scale}-${t.workers}-${t.output}`.replace(/[^a-z0-9.-]+/gi, "_");
}

/**
 * Runs one repetition of a task, unless it is unsupported or already failed (a failing
 * configuration is reported once, not retried for every repetition). Returns a progress line.
 */
export async function runRep(t: Task, rep: number, tmp: string, timeoutMs: number): Promise<string> {
  if (t.status !== "ok" || !t.cmd) return `${t.label}: ${t.status}`;
  const slug = taskSlug(t);
  const outPath = join(tmp, `${slug}.jsonl`);
  const errPath = join(tmp, `${slug}.stderr`);
  const isBaseline = t.tool === "read" || t.tool === "parse";
  t.prepare?.(rep);
  const r = await runChild({
    cmd: t.cmd,
    cwd: t.cwd,
    env: t.env?.(rep),
    stdout: t.output === "file" ? { kind: "file", path: outPath } : isBaseline ? { kind: "capture" } : { kind: "null" },
    stderrPath: errPath,
    timeoutMs,
  });
  if (r.timedOut || r.exitCode === null || !t.okExit.includes(r.exitCode)) {
    t.status = "failed";
    const why = r.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit code ${r.exitCode}`;
    t.note.push(`${why}: ${tailLines(errPath, 3).join(" | ") || "(no stderr)"}`);
    return `${t.label}: FAILED (${why})`;
  }
  if (r.exitCode !== 0) {
    const msg = `exit code ${r.exitCode} (${tailLines(errPath, 1)[0] || "no stderr"})`;
    if (!t.note.includes(msg)) t.note.push(msg);
  }
  if (isBaseline) {
    try {
      t.baseline = JSON.parse(r.stdout.trim());
    } catch {
      t.status = "failed";
      t.note.push(`baseline printed no result: ${r.stdout.slice(0, 200)}`);
      return `${t.label}: FAILED (no result)`;
    }
  }
  if (t.output === "file") t.chunkCounts.push(countLines(outPath));
  t.samples.push(r);
  return `${t.label}: ${(r.wallMs / 1000).toFixed(2)} s, CPU ${(r.cpuMs / 1000).toFixed(2)} s, peak RSS ${(r.maxRssBytes / 1e6).toFixed(0)} MB`;
}

/** Figures of a finished task, derived from its medians. */
export type TaskFigures = {
  wall: Summary;
  cpu: Summary;
  /** Highest peak RSS over the repetitions, bytes. */
  maxRss: number;
  /** Median over the repetitions of each one's peak RSS, bytes. */
  medianRss: number;
  mbPerSec: number;
  filesPerSec: number;
};

/** Medians and throughput of a task (NaN when it has no samples). */
export function figures(t: Task): TaskFigures {
  const wall = summarize(t.samples.map((s) => s.wallMs));
  const cpu = summarize(t.samples.map((s) => s.cpuMs));
  const secs = wall.median / 1000;
  return {
    wall,
    cpu,
    maxRss: t.samples.length ? Math.max(...t.samples.map((s) => s.maxRssBytes)) : NaN,
    medianRss: summarize(t.samples.map((s) => s.maxRssBytes)).median,
    mbPerSec: t.bytes / 1e6 / secs,
    filesPerSec: t.files / secs,
  };
}
