// Baseline child process of the benchmark (run by run.ts, one process per measurement so peak RSS
// is per measurement):   bun tests/bench/baseline.ts read|parse WORKERS ROOT
// read:  read every file (the I/O floor). parse: read + decode + parse with @ast-grep/napi, nothing
// else (the parser floor), inline (WORKERS=0) or on WORKERS Bun workers. Prints one JSON line.
import { readFileSync } from "node:fs";
import { listCorpus } from "./corpus.ts";
import {
  addCounts,
  emptyCounts,
  parseOne,
  prepareLanguages,
  yieldToLoop,
  type ParseCounts,
  type ParseJob,
} from "./parseFiles.ts";
import type { ParseWorkerRequest } from "./parseWorker.ts";

const BATCH_BYTES = 256 * 1024;
const BATCH_FILES = 64;
const YIELD_BYTES = 1 << 20;

async function readOnly(jobs: readonly ParseJob[]): Promise<ParseCounts> {
  const counts = emptyCounts();
  for (const job of jobs) {
    counts.files++;
    counts.bytes += readFileSync(job.abs).length;
  }
  return counts;
}

async function parseInline(jobs: readonly ParseJob[]): Promise<ParseCounts> {
  const parsable = prepareLanguages(jobs.map((j) => j.language));
  const counts = emptyCounts();
  let sinceYield = 0;
  for (const job of jobs) {
    parseOne(job, parsable, counts);
    sinceYield += job.size;
    if (sinceYield >= YIELD_BYTES) {
      sinceYield = 0;
      await yieldToLoop();
    }
  }
  return counts;
}

/** Largest files first, in batches of about BATCH_BYTES: the best schedule we know, so a true floor. */
function batches(jobs: readonly ParseJob[]): ParseJob[][] {
  const sorted = [...jobs].sort((a, b) => b.size - a.size);
  const out: ParseJob[][] = [];
  let cur: ParseJob[] = [];
  let bytes = 0;
  for (const job of sorted) {
    cur.push(job);
    bytes += job.size;
    if (bytes >= BATCH_BYTES || cur.length >= BATCH_FILES) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function parseOnWorkers(jobs: readonly ParseJob[], workers: number): Promise<ParseCounts> {
  const queue = batches(jobs);
  const languages = [...new Set(jobs.map((j) => j.language))];
  const counts = emptyCounts();
  const pool: Worker[] = [];
  return new Promise<ParseCounts>((resolve, reject) => {
    let pending = queue.length;
    let nextId = 0;
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      for (const w of pool) w.terminate();
      if (err) reject(err);
      else resolve(counts);
    };
    const send = (w: Worker) => {
      const jobs = queue.shift();
      if (jobs) w.postMessage({ type: "batch", id: nextId++, jobs } satisfies ParseWorkerRequest);
    };
    if (pending === 0) return finish();
    for (let i = 0; i < workers; i++) {
      const w = new Worker(new URL("./parseWorker.ts", import.meta.url));
      pool.push(w);
      w.addEventListener("message", (event: MessageEvent) => {
        const msg = event.data as { type: string; counts?: ParseCounts; message?: string };
        if (msg.type === "ready") {
          send(w); // two batches in flight per worker hide the message round trip
          send(w);
        } else if (msg.type === "done") {
          addCounts(counts, msg.counts!);
          if (--pending === 0) finish();
          else send(w);
        } else finish(new Error(`parse worker: ${msg.message ?? msg.type}`));
      });
      w.addEventListener("error", (e: ErrorEvent) =>
        finish(new Error(`parse worker died: ${(e.message || "?").split("\n")[0]}`)),
      );
      w.addEventListener("close", () => finish(new Error("parse worker exited early")));
      w.postMessage({ type: "init", languages } satisfies ParseWorkerRequest);
    }
  });
}

const [mode, workersArg, root] = process.argv.slice(2);
const workers = Number(workersArg);
if ((mode !== "read" && mode !== "parse") || !Number.isInteger(workers) || workers < 0 || !root) {
  process.stderr.write("usage: bun tests/bench/baseline.ts read|parse WORKERS ROOT\n");
  process.exit(2);
}
try {
  const start = performance.now();
  const jobs: ParseJob[] = listCorpus(root).map((f) => ({ abs: f.abs, language: f.language, size: f.size }));
  const counts =
    mode === "read"
      ? await readOnly(jobs)
      : workers === 0
        ? await parseInline(jobs)
        : await parseOnWorkers(jobs, workers);
  process.stdout.write(`${JSON.stringify({ mode, workers, ...counts, internalMs: performance.now() - start })}\n`);
} catch (err) {
  process.stderr.write(`baseline: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
