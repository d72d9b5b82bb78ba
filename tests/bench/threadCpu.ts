// CPU time per thread of one command, by thread name (Linux only): where a worker run's CPU goes
// (the main thread, each `Worker`, JIT compiler threads, GC helpers, mimalloc's scavenger).
//   bun tests/bench/threadCpu.ts -- dist/weft chunk /tmp/weft-corpus/src --executor workers --workers 2
// It samples /proc/PID/task/*/stat every 50 ms and keeps each thread's last reading, so a thread
// that ends between two samples loses up to 50 ms; the total is compared with the process's own.
import { readdirSync, readFileSync } from "node:fs";

const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
if (argv.length === 0 || process.platform !== "linux") {
  console.error("usage (Linux): bun tests/bench/threadCpu.ts -- COMMAND [ARGS...]");
  process.exit(2);
}
const TICK = 100; // USER_HZ on every Linux Bun runs on
const child = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
const last = new Map<string, { name: string; seconds: number }>();

function sample(): void {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${child.pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      last.set(tid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICK });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
}

const timer = setInterval(sample, 50);
const code = await child.exited;
clearInterval(timer);
const byName = new Map<string, { seconds: number; threads: number }>();
for (const { name, seconds } of last.values()) {
  const entry = byName.get(name) ?? { seconds: 0, threads: 0 };
  entry.seconds += seconds;
  entry.threads++;
  byName.set(name, entry);
}
const usage = child.resourceUsage();
const processCpu = usage ? Number(usage.cpuTime.total) / 1e6 : NaN;
console.log("CPU s  threads  name");
for (const [name, { seconds, threads }] of [...byName].sort((a, b) => b[1].seconds - a[1].seconds))
  console.log(`${seconds.toFixed(2).padStart(6)}  ${String(threads).padStart(7)}  ${name}`);
const sampled = [...byName.values()].reduce((sum, e) => sum + e.seconds, 0);
console.log(
  `${sampled.toFixed(2).padStart(6)}           sampled total (process: ${processCpu.toFixed(2)} s, exit ${code})`,
);
