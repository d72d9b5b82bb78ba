// weft benchmark: bun run bench [-- CORPUS_DIR] [options]     (see --help; not part of `bun test`)
// Measures, in one run and against baselines taken in the same run: read-only, parse-only with
// @ast-grep/napi (inline and on 1..N workers), the compiled `weft chunk` (inline and 1..N workers,
// to /dev/null and to a file), startup, peak RSS, per language, and scaling over corpus copies.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { groupByLanguage, listCorpus, materialize, resolveCorpus, type CorpusFile, type Group } from "./corpus.ts";
import { rssSource } from "./measure.ts";
import { scanOutput, tally } from "./outputScan.ts";
import { fmt, fmtCount, mb, renderTable } from "./table.ts";
import { measureStability, renderStability, summarize, type FileFigures } from "./stability.ts";
import { CACHE_LABELS, evaluateTargets, matchingParse, stabilityTargets, type Target } from "./targets.ts";
import { figures, runRep, task, taskSlug, type Task, type Workers } from "./task.ts";
import { binaryIsStale, detectCapabilities, executorFlags, type Capabilities } from "./weftBinary.ts";

const REPO = resolve(import.meta.dir, "../..");
const BASELINE = join(import.meta.dir, "baseline.ts");
const SECTIONS = ["startup", "throughput", "languages", "scaling", "cache", "stability"] as const;
type Section = (typeof SECTIONS)[number];

const HELP = `usage: bun run bench [-- CORPUS_DIR] [options]

CORPUS_DIR defaults to /tmp/weft-corpus (build it with: bash ../shared/corpus/build-corpus.sh);
a corpus made by build-corpus.sh is measured on its src/ folder.

  --reps N            repetitions of each throughput / per-language measurement (default 3)
  --scale-reps N      repetitions of each scaling measurement (default 3)
  --startup-reps N    repetitions of weft --version and single-file chunk (default 10)
  --sections LIST     any of ${SECTIONS.join(",")} (default: all)
  --workers LIST      worker counts to measure (default: 1..cores)
  --scales LIST       corpus copies for the scaling section (default 1,2,4)
  --outputs LIST      weft output targets in the throughput section: null,file (default both)
  --bin PATH          weft binary (default dist/weft; build it with: bun run build)
  --out PATH          JSON result (default bench-results/latest.json)
  --pairs DIR         version pairs for the stability section (default /tmp/weft-pairs; build them
                      with: bash tests/bench/pairs/build-pairs.sh)
  --scale-baseline    also run parse-only at every scale (adds 6x the corpus of parsing to a default run)
  --timeout SECONDS   per process (default 900)
  --strict            exit 1 when a target is missed
`;

function parseList(s: string | undefined, fallback: number[]): number[] {
  if (!s) return fallback;
  const xs = s.split(",").map(Number);
  if (xs.some((x) => !Number.isInteger(x) || x < 1))
    fail(`bad list "${s}": expected positive integers separated by commas`);
  return xs;
}

function fail(msg: string, code = 2): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(code);
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
}

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    reps: { type: "string", default: "3" },
    "scale-reps": { type: "string", default: "3" },
    "startup-reps": { type: "string", default: "10" },
    sections: { type: "string" },
    workers: { type: "string" },
    scales: { type: "string", default: "1,2,4" },
    outputs: { type: "string", default: "null,file" },
    bin: { type: "string", default: join(REPO, "dist/weft") },
    out: { type: "string", default: join(REPO, "bench-results/latest.json") },
    timeout: { type: "string", default: "900" },
    pairs: { type: "string", default: "/tmp/weft-pairs" },
    "scale-baseline": { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const reps = parseList(opt.reps, [])[0]!;
const scaleReps = parseList(opt["scale-reps"], [])[0]!;
const startupReps = parseList(opt["startup-reps"], [])[0]!;
const cores = availableParallelism();
const workerCounts = parseList(
  opt.workers,
  Array.from({ length: cores }, (_, i) => i + 1),
);
const maxWorkers = Math.max(...workerCounts);
const scales = parseList(opt.scales, []);
const timeoutMs = parseList(opt.timeout, [])[0]! * 1000;
const sections = new Set((opt.sections ?? SECTIONS.join(",")).split(",") as Section[]);
for (const s of sections) if (!SECTIONS.includes(s)) fail(`unknown section "${s}" (known: ${SECTIONS.join(", ")})`);
const outputs = opt.outputs!.split(",") as ("null" | "file")[];
if (outputs.some((o) => o !== "null" && o !== "file")) fail(`--outputs takes null and/or file`);
const bin = resolve(opt.bin!);

// ---- preconditions -------------------------------------------------------------------------------
const corpusArg = positionals[0] ?? "/tmp/weft-corpus";
const resolved = resolveCorpus(corpusArg);
if ("error" in resolved) {
  fail(
    `${resolved.error}.\nBuild the corpus first:  bash ../shared/corpus/build-corpus.sh ${corpusArg}\n(or pass any source directory: bun run bench -- DIR)`,
  );
}
if (!existsSync(bin)) fail(`${bin} not found. Build it first: bun run build`);
const pairsDir = resolve(opt.pairs!);
if (sections.has("stability") && !existsSync(join(pairsDir, "pairs")))
  fail(
    `${pairsDir}/pairs not found. Build the version pairs first:  bash tests/bench/pairs/build-pairs.sh ${pairsDir}`,
  );
const corpusFiles = listCorpus(resolved.root);
if (corpusFiles.length === 0) fail(`no files under ${resolved.root}`);
const corpusBytes = corpusFiles.reduce((s, f) => s + f.size, 0);
// Only the repo's own build can be compared with the repo's sources.
const stale = bin === join(REPO, "dist/weft") && binaryIsStale(bin, join(REPO, "src"));
const caps = await detectCapabilities(bin);

const tmp = mkdtempSync("/tmp/weft-bench-");
const cleanup = () => rmSync(tmp, { recursive: true, force: true });
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    cleanup();
    process.exit(sig === "SIGINT" ? 130 : 143);
  });
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const loadStart = loadavg();
const started = new Date();
const commit = git(["rev-parse", "--short", "HEAD"]);
const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";

log(`bench: corpus ${resolved.root}: ${corpusFiles.length} files, ${mb(corpusBytes)} MB`);
log(
  `bench: weft ${caps.version} (${bin}${stale ? ", OLDER THAN src/: run bun run build" : ""}); executor flag ${caps.executor ? "yes" : "no"}, workers flag ${caps.workers ? "yes" : "no"}, diagnose ${caps.diagnose ? "yes" : "no"}`,
);
log(`bench: ${cores} cores, load average ${loadStart.map((l) => l.toFixed(2)).join(" ")}; temp ${tmp}`);

// ---- task construction ---------------------------------------------------------------------------
const workerLabel = (w: Workers) =>
  w === "inline" ? "inline" : w === "default" ? "default flags" : `${w} worker${w === 1 ? "" : "s"}`;

type Plan = {
  read: boolean;
  parse: Workers[];
  weft: Workers[];
  outputs: ("null" | "file")[];
  /** weft with --tokenizer bytes --max-tokens 2000 (to /dev/null), at these settings. */
  bytes?: Workers[];
};

/** The byte-budget configuration of issue 22's second target: no token counting, 2000 bytes. */
const BYTES_FLAGS = ["--tokenizer", "bytes", "--max-tokens", "2000"];

/** Read, parse and weft tasks over one materialized tree. */
function treeTasks(
  section: Task["section"],
  group: string,
  scale: number,
  cwd: string,
  files: number,
  bytes: number,
  plan: Plan,
): Task[] {
  const base = { section, group, scale, cwd, files, bytes };
  const suffix = `${group === "all" ? "" : ` [${group}]`}${scale === 1 ? "" : ` x${scale}`}`;
  const out: Task[] = [];
  if (plan.read)
    out.push(
      task({
        ...base,
        label: `read-only${suffix}`,
        tool: "read",
        workers: "inline",
        output: "null",
        cmd: [process.execPath, BASELINE, "read", "0", "."],
      }),
    );
  for (const w of plan.parse) {
    out.push(
      task({
        ...base,
        label: `parse-only ${workerLabel(w)}${suffix}`,
        tool: "parse",
        workers: w,
        output: "null",
        cmd: [process.execPath, BASELINE, "parse", w === "inline" ? "0" : String(w), "."],
      }),
    );
  }
  for (const w of plan.weft) {
    const flags = executorFlags(caps, w);
    for (const o of plan.outputs) {
      out.push(
        task({
          ...base,
          label: `weft ${workerLabel(w)} > ${o === "null" ? "/dev/null" : "file"}${suffix}`,
          tool: "weft",
          workers: w,
          output: o,
          okExit: [0, 1],
          cmd: flags ? [bin, "chunk", ...flags, "."] : null,
        }),
      );
    }
  }
  for (const w of plan.bytes ?? []) {
    const flags = executorFlags(caps, w);
    out.push(
      task({
        ...base,
        label: `weft ${workerLabel(w)} --tokenizer bytes > /dev/null${suffix}`,
        tool: "weft",
        workers: w,
        output: "null",
        tokenizer: "bytes",
        okExit: [0, 1],
        cmd: flags ? [bin, "chunk", ...flags, ...BYTES_FLAGS, "."] : null,
      }),
    );
  }
  return out;
}

/** Runs tasks rep by rep, interleaved, so slow drift of a shared machine hits every configuration alike. */
async function runAll(name: string, tasks: Task[], n: number): Promise<void> {
  for (let rep = 0; rep < n; rep++) {
    for (const t of tasks) log(`[${name} ${rep + 1}/${n}] ${await runRep(t, rep, tmp, timeoutMs)}`);
  }
}

const all: Task[] = [];
const treeOf = (name: string, files: readonly CorpusFile[], copies: number) => {
  const dir = join(tmp, name);
  const how = materialize(files, dir, copies);
  return { dir, how };
};

try {
  const whole = treeOf("x1", corpusFiles, 1);
  log(`bench: corpus ${whole.how === "hardlink" ? "hard-linked" : "copied"} into ${whole.dir}`);
  // Warm-up, untimed: the page cache (read everything) and weft's parser cache (chunk one file).
  for (const cmd of [
    [process.execPath, BASELINE, "read", "0", "."],
    [bin, "chunk", join("copy0", corpusFiles[0]!.rel)],
  ]) {
    await runRep(
      task({
        section: "throughput",
        label: "warm-up",
        tool: "startup",
        workers: "default",
        output: "null",
        group: "all",
        scale: 1,
        cwd: whole.dir,
        files: 0,
        bytes: 0,
        okExit: [0, 1],
        cmd,
      }),
      0,
      tmp,
      timeoutMs,
    );
  }

  // (d) startup
  if (sections.has("startup")) {
    const dir = join(tmp, "startup");
    mkdirSync(dir, { recursive: true });
    const sample =
      "import os\n\n\nclass Greeter:\n    def greet(self, name: str) -> str:\n        return f'hello {name}'\n\n\ndef main() -> None:\n    print(Greeter().greet(os.getlogin()))\n";
    writeFileSync(join(dir, "hello.py"), sample);
    const base = {
      section: "startup" as const,
      tool: "startup" as const,
      workers: "default" as const,
      output: "null" as const,
      group: "all",
      scale: 1,
      cwd: dir,
      files: 1,
      bytes: sample.length,
    };
    const quick = [
      task({ ...base, label: "weft --version", cmd: [bin, "--version"] }),
      task({
        ...base,
        label: "weft chunk hello.py (parser cache warm)",
        okExit: [0, 1],
        cmd: [bin, "chunk", "hello.py"],
      }),
      task({
        ...base,
        label: "weft chunk hello.py (parser cache cold)",
        okExit: [0, 1],
        cmd: [bin, "chunk", "hello.py"],
        env: (rep) => ({ WEFT_CACHE_DIR: join(dir, `cache-${rep}`) }),
      }),
    ];
    await runAll("startup", quick, startupReps);
    const diagnose = task({
      ...base,
      label: "weft diagnose",
      okExit: [0, 1],
      cmd: caps.diagnose ? [bin, "diagnose"] : null,
    });
    await runAll("startup", [diagnose], reps);
    all.push(...quick, diagnose);
  }

  // Per language and scaling run weft at the most workers, or with default flags on a binary without --workers.
  const topSetting: Workers = executorFlags(caps, maxWorkers) ? maxWorkers : "default";

  // (a)(b)(c) whole corpus
  if (sections.has("throughput")) {
    const tasks = treeTasks("throughput", "all", 1, whole.dir, corpusFiles.length, corpusBytes, {
      read: true,
      parse: ["inline", ...workerCounts],
      weft: ["inline", ...workerCounts, "default"],
      outputs,
      bytes: ["inline", maxWorkers],
    });
    // Default flags: /dev/null is enough, unless no explicit executor works (then its file run gives the chunk counts).
    const explicit = caps.executor || caps.workers;
    const trimmed = tasks.filter(
      (t) => !(t.workers === "default" && t.output === "file" && outputs.includes("null") && explicit),
    );
    await runAll("throughput", trimmed, reps);
    all.push(...trimmed);
  }

  // per language, at the highest worker count
  const groups: Group[] = groupByLanguage(corpusFiles, 0.02);
  if (sections.has("languages")) {
    const tasks: Task[] = [];
    for (const g of groups) {
      const tree = treeOf(`lang-${g.name}`, g.files, 1);
      tasks.push(
        ...treeTasks("languages", g.name, 1, tree.dir, g.files.length, g.bytes, {
          read: false,
          parse: [maxWorkers],
          weft: [topSetting],
          outputs: ["null"],
        }),
      );
    }
    await runAll("languages", tasks, reps);
    all.push(...tasks);
  }

  // scaling: 1x, 2x, 4x copies at the highest worker count
  if (sections.has("scaling")) {
    const tasks: Task[] = [];
    for (const k of scales) {
      const tree = k === 1 ? whole : treeOf(`x${k}`, corpusFiles, k);
      tasks.push(
        ...treeTasks("scaling", "all", k, tree.dir, corpusFiles.length * k, corpusBytes * k, {
          read: false,
          parse: opt["scale-baseline"] ? [maxWorkers] : [],
          weft: [topSetting],
          outputs: ["null"],
        }),
      );
    }
    await runAll("scaling", tasks, scaleReps);
    all.push(...tasks);
  }

  // (e) the chunk cache (issue 16): cold (empty cache each rep), warm re-run, and a re-run after one
  // file changed (a different edit each rep, on a copy of the corpus), against that file alone.
  if (sections.has("cache")) {
    const cacheRoot = join(tmp, "chunk-cache");
    const [coldDir, warmDir] = [join(cacheRoot, "cold"), join(cacheRoot, "warm")];
    const changedTree = treeOf("changed", corpusFiles, 1);
    // The changed file: the median-sized Python file (a typical hand-written source file).
    const py = corpusFiles.filter((f) => f.rel.endsWith(".py")).sort((a, b) => a.size - b.size);
    const victim = (py.length > 0 ? py : corpusFiles)[Math.floor((py.length || corpusFiles.length) / 2)]!;
    const victimRel = join("copy0", victim.rel);
    const victimPath = join(changedTree.dir, victimRel);
    const original = readFileSync(victimPath);
    unlinkSync(victimPath); // it is a hard link to the corpus: edit a copy of its own
    writeFileSync(victimPath, original);
    const base = {
      section: "cache" as const,
      tool: "weft" as const,
      workers: "default" as const,
      output: "null" as const,
      group: "all",
      scale: 1,
      okExit: [0, 1],
    };
    const whole1 = { ...base, cwd: whole.dir, files: corpusFiles.length, bytes: corpusBytes };
    const tasks = [
      task({ ...whole1, label: CACHE_LABELS.none, cmd: [bin, "chunk", "."] }),
      task({
        ...whole1,
        label: CACHE_LABELS.cold,
        cmd: [bin, "chunk", "--cache", coldDir, "."],
        prepare: () => rmSync(coldDir, { recursive: true, force: true }),
      }),
      task({ ...whole1, label: CACHE_LABELS.warm, cmd: [bin, "chunk", "--cache", warmDir, "."] }),
      task({
        ...whole1,
        cwd: changedTree.dir,
        label: CACHE_LABELS.changed,
        cmd: [bin, "chunk", "--cache", warmDir, "."],
        // Paths are shown relative to the tree, so the copy's other files hit the entries of the original.
        prepare: (rep) => writeFileSync(victimPath, Buffer.concat([Buffer.from(`# edit ${rep}\n`), original])),
      }),
      task({
        ...base,
        cwd: changedTree.dir,
        files: 1,
        bytes: victim.size,
        label: CACHE_LABELS.own,
        cmd: [bin, "chunk", victimRel],
      }),
    ];
    log(`bench: cache section: changed file ${victimRel} (${victim.size} bytes); filling ${warmDir} (untimed)`);
    await runRep(
      task({ ...whole1, label: "cache fill", cmd: [bin, "chunk", "--cache", warmDir, "."] }),
      0,
      tmp,
      timeoutMs,
    );
    await runAll("cache", tasks, reps);
    all.push(...tasks);
  }

  // Edit stability (untimed, in this process): both packings on every changed file of the pairs.
  let stability: FileFigures[] | undefined;
  if (sections.has("stability")) {
    log(`bench: stability: chunking the changed files of ${pairsDir}/pairs with each packing`);
    stability = await measureStability(pairsDir);
  }

  // ---- chunk counts and coverage (untimed) -------------------------------------------------------
  const fileRun = all.find(
    (t) => t.tool === "weft" && t.output === "file" && t.status === "ok" && t.group === "all" && t.scale === 1,
  );
  const chunkSets = new Set(
    all.filter((t) => t.tool === "weft" && t.group === "all" && t.scale === 1).flatMap((t) => t.chunkCounts),
  );
  const scan = fileRun ? await scanOutput(join(tmp, `${taskSlug(fileRun)}.jsonl`), whole.dir) : undefined;
  const chunksOf = (files: readonly CorpusFile[]) => (scan ? tally(files, scan.perFile) : undefined);
  const groupChunks = (t: Task) => {
    const files = t.group === "all" ? corpusFiles : (groups.find((g) => g.name === t.group)?.files ?? []);
    const c = chunksOf(files)?.chunks;
    return c === undefined ? undefined : c * t.scale;
  };
  const overall = chunksOf(corpusFiles);

  // ---- report --------------------------------------------------------------------------------------
  const rowOf = (t: Task, extra: string[] = []) => {
    const f = figures(t);
    if (t.status !== "ok")
      return [
        t.label,
        t.status === "unsupported" ? "not supported" : "FAILED",
        "",
        "",
        "",
        "",
        "",
        "",
        ...extra.map(() => ""),
      ];
    const chunks = t.tool === "weft" ? groupChunks(t) : undefined;
    return [
      t.label,
      `${fmt(f.wall.median / 1000, 2)} [${fmt(f.wall.min / 1000, 2)}-${fmt(f.wall.max / 1000, 2)}]`,
      `${fmt(f.wall.spread * 100, 0)}%`,
      fmt(f.mbPerSec),
      fmtCount(f.filesPerSec),
      chunks === undefined ? "-" : fmtCount(chunks / (f.wall.median / 1000)),
      fmt(f.cpu.median / 1000, 2),
      fmt(f.maxRss / 1e6, 0),
      ...extra,
    ];
  };
  const head = [
    "measurement",
    "wall s median [min-max]",
    "spread",
    "MB/s",
    "files/s",
    "chunks/s",
    "CPU s",
    "peak RSS MB",
  ];
  const ratioCells = (t: Task, pool: Task[]) => {
    if (t.tool !== "weft" || t.status !== "ok") return ["", ""];
    const p = matchingParse(t, pool, maxWorkers);
    if (!p || p.status !== "ok") return ["-", "-"];
    const fw = figures(t);
    const fp = figures(p);
    return [`${fmt(fp.wall.median / fw.wall.median, 2)}x`, `${fmt(fp.cpu.median / fw.cpu.median, 2)}x`];
  };
  const out: string[] = [];
  const loadEnd = loadavg();
  out.push(`weft benchmark  ${started.toISOString()}`);
  out.push(
    `machine: ${cores} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}; bun ${Bun.version}`,
  );
  out.push(
    `load average (1/5/15 min): start ${loadStart.map((l) => l.toFixed(2)).join(" ")}, end ${loadEnd.map((l) => l.toFixed(2)).join(" ")}${loadStart[0]! > 0.5 ? "  (busy machine: expect noise)" : ""}`,
  );
  out.push(
    `peak RSS: ${rssSource === "gnu-time" ? "per child process, measured by GNU time" : "Bun rusage, an UPPER BOUND that includes the harness (install GNU time: apt-get install time)"}`,
  );
  out.push(
    `weft ${caps.version}, commit ${commit}${dirty ? " (uncommitted changes)" : ""}, binary ${bin}${stale ? " (OLDER than src/)" : ""}`,
  );
  out.push(
    `corpus ${resolved.root}: ${corpusFiles.length} files, ${mb(corpusBytes)} MB; ${groups.map((g) => `${g.name} ${mb(g.bytes)}`).join(", ")}`,
  );
  if (overall) {
    out.push(
      `weft output: ${overall.chunks} chunks; covers ${fmt((overall.covered / corpusBytes) * 100, 2)}% of the corpus bytes, ${overall.filesWithChunks}/${corpusFiles.length} files have chunks${scan!.unparsed ? `; ${scan!.unparsed} lines were not chunk records` : ""}`,
    );
  }
  if (chunkSets.size > 1)
    out.push(
      `WARNING: weft's chunk count differs between runs: ${[...chunkSets].join(", ")} (output should not depend on executor or worker count)`,
    );
  const section = (title: string, rows: string[][], h = head) => out.push("", title, renderTable(h, rows));
  const bySection = (s: Task["section"]) => all.filter((t) => t.section === s);
  if (sections.has("startup")) {
    section(
      `STARTUP (median of ${startupReps}; diagnose ${reps})`,
      bySection("startup").map((t) => {
        const f = figures(t);
        return t.status === "ok"
          ? [
              t.label,
              `${fmt(f.wall.median, 1)} [${fmt(f.wall.min, 1)}-${fmt(f.wall.max, 1)}]`,
              `${fmt(f.wall.spread * 100, 0)}%`,
              fmt(f.maxRss / 1e6, 0),
              t.note.join("; "),
            ]
          : [t.label, t.status === "unsupported" ? "not supported" : "FAILED", "", "", t.note.join("; ")];
      }),
      ["measurement", "wall ms median [min-max]", "spread", "peak RSS MB", "note"],
    );
  }
  if (sections.has("throughput")) {
    const ts = bySection("throughput");
    section(
      `THROUGHPUT, whole corpus (${reps} reps; weft/parse = parse-only time / weft time at the same worker count, by wall and by CPU)`,
      ts.map((t) => rowOf(t, ratioCells(t, ts))),
      [...head, "weft/parse", "by CPU"],
    );
  }
  if (sections.has("languages")) {
    const ts = bySection("languages");
    section(
      `PER LANGUAGE (weft ${workerLabel(topSetting)}, parse-only ${workerLabel(maxWorkers)}; ${reps} reps)`,
      ts.map((t) => rowOf(t, ratioCells(t, ts))),
      [...head, "weft/parse", "by CPU"],
    );
  }
  if (sections.has("scaling")) {
    const ts = bySection("scaling");
    const weft1 = ts.find((t) => t.tool === "weft" && t.scale === Math.min(...scales));
    section(
      `SCALING (weft ${workerLabel(topSetting)}, ${scaleReps} rep${scaleReps === 1 ? "" : "s"}; linear cost = time/MB stays at 1.00x of the smallest)`,
      ts.map((t) => {
        const per =
          weft1 && t.tool === "weft" && t.status === "ok" && weft1.status === "ok"
            ? figures(t).wall.median / t.bytes / (figures(weft1).wall.median / weft1.bytes)
            : NaN;
        return rowOf(t, [...ratioCells(t, ts), t.tool === "weft" ? `${fmt(per, 2)}x` : ""]);
      }),
      [...head, "weft/parse", "by CPU", "time/MB"],
    );
  }
  if (sections.has("cache")) {
    const ts = bySection("cache");
    const cold = ts.find((t) => t.label === CACHE_LABELS.cold);
    section(
      `CHUNK CACHE (--cache; default flags, ${reps} reps; share = median wall / cold's, by wall and by CPU)`,
      ts.map((t) =>
        rowOf(
          t,
          cold && cold.status === "ok" && t.status === "ok"
            ? [
                `${fmt((figures(t).wall.median / figures(cold).wall.median) * 100, 1)}%`,
                `${fmt((figures(t).cpu.median / figures(cold).cpu.median) * 100, 1)}%`,
              ]
            : ["", ""],
        ),
      ),
      [...head, "share of cold", "by CPU"],
    );
  }
  if (stability) {
    out.push(
      "",
      `EDIT STABILITY (${pairsDir}/pairs, 512 o200k tokens; changed chunks of the new version, per changed definition: median and mean over files with one or more, and total (their changed chunks over all changed definitions); the changed-chunks column counts every changed file)`,
      ...renderStability(stability),
    );
  }
  const targets: Target[] = [
    ...evaluateTargets(all, { maxWorkers, scales }),
    ...(stability ? stabilityTargets(summarize(stability)) : []),
  ];
  out.push("", "TARGETS");
  for (const t of targets)
    out.push(
      `${t.pass === undefined ? "n/a " : t.pass ? "PASS" : "MISS"}  ${t.name}: ${t.value}  (target ${t.threshold})`,
    );
  const notes = all
    .filter((t) => t.note.length > 0 && t.status !== "unsupported")
    .map((t) => `  ${t.label}: ${t.note.join("; ")}`);
  if (notes.length) out.push("", "NOTES", ...notes);
  process.stdout.write(`${out.join("\n")}\n`);

  // ---- JSON ----------------------------------------------------------------------------------------
  const outPath = resolve(opt.out!);
  mkdirSync(dirname(outPath), { recursive: true });
  const json = {
    schema: "weft-bench/1",
    date: started.toISOString(),
    durationSec: (Date.now() - started.getTime()) / 1000,
    rssSource,
    machine: {
      cores,
      cpu: cpus()[0]?.model ?? "?",
      memBytes: totalmem(),
      os: `${platform()} ${release()}`,
      loadavgStart: loadStart,
      loadavgEnd: loadEnd,
    },
    bun: Bun.version,
    weft: { version: caps.version, commit, dirty, bin, stale, capabilities: caps satisfies Capabilities },
    corpus: {
      dir: resolve(corpusArg),
      root: resolved.root,
      files: corpusFiles.length,
      bytes: corpusBytes,
      groups: groups.map((g) => ({ name: g.name, files: g.files.length, bytes: g.bytes })),
    },
    options: { reps, scaleReps, startupReps, workers: workerCounts, scales, outputs, sections: [...sections] },
    output: overall
      ? {
          chunks: overall.chunks,
          coveredBytes: overall.covered,
          filesWithChunks: overall.filesWithChunks,
          unparsedLines: scan!.unparsed,
        }
      : null,
    measurements: all.map((t) => ({
      section: t.section,
      label: t.label,
      tool: t.tool,
      workers: t.workers,
      output: t.output,
      group: t.group,
      scale: t.scale,
      files: t.files,
      bytes: t.bytes,
      status: t.status,
      note: t.note,
      cmd: t.cmd,
      baseline: t.baseline,
      chunkCounts: t.chunkCounts,
      chunks: t.tool === "weft" ? (groupChunks(t) ?? null) : null,
      ...figures(t),
      samples: t.samples,
    })),
    stability: stability ? { pairs: pairsDir, overall: summarize(stability), files: stability } : null,
    targets,
  };
  writeFileSync(outPath, `${JSON.stringify(json, null, 2)}\n`);
  log(`bench: wrote ${outPath} (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`);
  process.exitCode = opt.strict && targets.some((t) => t.pass === false) ? 1 : 0;
} finally {
  cleanup();
}
