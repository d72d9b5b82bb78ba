// Benchmark (not a test) for issue 5: `bun run bench:execute` (WEFT_CORPUS=dir, default /tmp/weft-corpus;
// BENCH_RUNS=n runs per configuration, default 3). Every configuration runs as its own process on the
// same corpus, interleaved, in one invocation; medians are compared:
//   1. weft on N workers (default options, N = cores) vs a parse-only baseline on N workers: >= 0.75x
//   2. weft's speedup inline -> N workers vs the baseline's 1 -> N workers: >= 90%
//   3. peak RSS of any weft run over the whole corpus: < 400 MB
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discoverFiles } from "../execute/fixtures.ts";

const corpus = process.env.WEFT_CORPUS ?? "/tmp/weft-corpus";
const dir = join(corpus, "src");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const n = navigator.hardwareConcurrency;
const repo = join(import.meta.dir, "../..");
const bytes = discoverFiles([dir]).reduce((s, f) => s + f.size, 0);

type Config = { name: string; cmd: string[] };
const configs: Config[] = [
  { name: "baseline-1", cmd: ["bun", join(import.meta.dir, "parseOnly.ts"), dir, "1"] },
  { name: `baseline-${n}`, cmd: ["bun", join(import.meta.dir, "parseOnly.ts"), dir, String(n)] },
  { name: "weft-inline", cmd: ["bun", join(repo, "src/cli.ts"), "chunk", dir, "--quiet", "--executor", "inline"] },
  { name: `weft-${n}`, cmd: ["bun", join(repo, "src/cli.ts"), "chunk", dir, "--quiet"] },
];
type Sample = { ms: number; rss: number; cpuMs: number };
const samples = new Map<string, Sample[]>(configs.map((c) => [c.name, []]));

// Peak RSS and CPU come from GNU time: Bun's rusage of a spawned child counts the parent's memory too.
const timeOut = join(tmpdir(), `weft-bench-execute-${process.pid}.txt`);
for (let i = 0; i < runs; i++) {
  for (const c of configs) {
    const t0 = performance.now();
    const proc = Bun.spawn(["/usr/bin/time", "-f", "%M %U %S", "-o", timeOut, ...c.cmd], { cwd: repo, stdout: "ignore", stderr: "pipe" });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    const ms = performance.now() - t0;
    if (code !== 0 && !(c.name.startsWith("weft") && code === 1)) throw new Error(`${c.name} exited ${code}: ${stderr}`);
    const [kb, user, sys] = readFileSync(timeOut, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
    const sample = { ms, rss: kb! * 1024, cpuMs: (user! + sys!) * 1000 };
    samples.get(c.name)!.push(sample);
    process.stderr.write(`run ${i + 1}/${runs} ${c.name.padEnd(12)} ${(ms / 1000).toFixed(2)} s  ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s  rss ${(sample.rss / 2 ** 20).toFixed(0)} MiB  cpu ${(sample.cpuMs / 1000).toFixed(2)} s\n`);
  }
}
rmSync(timeOut, { force: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (name: string) => median(samples.get(name)!.map((s) => s.ms));
const throughputRatio = ms(`baseline-${n}`) / ms(`weft-${n}`);
const weftSpeedup = ms("weft-inline") / ms(`weft-${n}`);
const baseSpeedup = ms("baseline-1") / ms(`baseline-${n}`);
const speedupRatio = weftSpeedup / baseSpeedup;
const peakRss = Math.max(...["weft-inline", `weft-${n}`].flatMap((c) => samples.get(c)!.map((s) => s.rss)));

const checks = [
  { check: `throughput weft-${n} / baseline-${n}`, value: throughputRatio, target: ">= 0.75", ok: throughputRatio >= 0.75 },
  { check: `speedup inline->${n} / baseline 1->${n}`, value: speedupRatio, target: ">= 0.90", ok: speedupRatio >= 0.9 },
  { check: "peak RSS of weft (MiB)", value: peakRss / 2 ** 20, target: "< 400", ok: peakRss < 400 * 2 ** 20 },
];
const report = {
  corpus: dir, mb: bytes / 1e6, runs, workers: n,
  medians: Object.fromEntries(configs.map((c) => [c.name, { seconds: ms(c.name) / 1000, mbPerSecond: bytes / 1e6 / (ms(c.name) / 1000), cpuSeconds: median(samples.get(c.name)!.map((s) => s.cpuMs)) / 1000, peakRssMiB: Math.max(...samples.get(c.name)!.map((s) => s.rss)) / 2 ** 20 }])),
  weftSpeedup, baselineSpeedup: baseSpeedup, checks,
};
console.log(JSON.stringify(report, null, 2));
for (const c of checks) process.stderr.write(`${c.ok ? "PASS" : "FAIL"}  ${c.check}: ${c.value.toFixed(2)} (target ${c.target})\n`);
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
