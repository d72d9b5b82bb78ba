// Benchmark: discovery on a generated 50,000-file tree against `git ls-files --others
// --exclude-standard` on the same tree (the baseline, measured in the same run, interleaved).
// Every measurement is a fresh process, as a user runs them: no warm JIT carried between runs.
// Medians of several runs; target: the walk under 2x git.
// Run: bun run bench:walk [-- --files N --runs R --keep]
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_MAX_FILE_SIZE } from "../../src/discover/args.ts";
import { discover } from "../../src/discover/discover.ts";
import { walkInputs } from "../../src/discover/walk.ts";
import type { DiscoveryOptions } from "../../src/model/file.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    files: { type: "string", default: "50000" },
    runs: { type: "string", default: "9" },
    keep: { type: "boolean" },
    child: { type: "string" },
    root: { type: "string" },
  },
});

/** What `weft files --hidden` asks of discovery (--hidden: git lists .gitignore files too). */
function optionsFor(root: string, checkContent: boolean): DiscoveryOptions {
  return {
    paths: ["."],
    listed: [],
    cwd: root,
    ignoreFiles: true,
    hidden: true,
    follow: false,
    include: [],
    exclude: [],
    languages: [],
    map: {},
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    skipMinified: true,
    checkContent,
  };
}

const MODES = {
  walk: (root: string) => walkInputs(optionsFor(root, false), undefined).length,
  stat: (root: string) => discover(optionsFor(root, false)).files.length,
  full: (root: string) => discover(optionsFor(root, true)).files.length,
} as const;
type Mode = keyof typeof MODES;

if (values.child) {
  // Child: run one mode once and report its in-process time.
  const t = performance.now();
  const n = MODES[values.child as Mode](values.root!);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - t, n })}\n`);
  process.exit(0);
}

/** A tree shaped like a repository: nested directories, mixed languages, .gitignore files that remove about a sixth. */
function generate(root: string, count: number): void {
  let seed = 42;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const exts = ["py", "ts", "go", "rs", "java", "md", "json", "c", "h", "js", "log", "tmp"];
  writeFileSync(join(root, ".gitignore"), "*.log\nnode_modules/\n/dist/\n*.tmp\n!keep.tmp\n");
  let made = 0;
  const dirs: string[] = [root];
  while (made < count) {
    const parent = dirs[Math.floor(rnd() * dirs.length)]!;
    const dir = join(parent, `d${dirs.length}`);
    mkdirSync(dir);
    dirs.push(dir);
    if (rnd() < 0.15) writeFileSync(join(dir, ".gitignore"), "generated/\n*.snap\n!important.snap\n/build\n");
    const n = Math.min(count - made, 10 + Math.floor(rnd() * 40));
    for (let i = 0; i < n; i++, made++) {
      const ext = exts[Math.floor(rnd() * exts.length)]!;
      writeFileSync(join(dir, `file_${i}.${ext}`), `// file ${made}\nconst value_${i} = ${made};\n`);
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Sample = { wall: number; cpu: number; inner?: number; out: string };

/** Wall and CPU milliseconds of one child process (CPU from its resource usage). */
function run(cmd: string[], cwd: string): Sample {
  const t = performance.now();
  const r = Bun.spawnSync(cmd, { cwd, stderr: "pipe" });
  const wall = performance.now() - t;
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${r.exitCode}: ${r.stderr.toString()}`);
  return { wall, cpu: Number(r.resourceUsage.cpuTime.total) / 1000, out: r.stdout.toString() };
}

const FILES = Number(values.files);
const RUNS = Number(values.runs);
const root = realpathSync(mkdtempSync(join(tmpdir(), "weft-bench-walk-")));
try {
  generate(root, FILES);
  Bun.spawnSync(["git", "init", "-q"], { cwd: root });
  const gitCmd = ["git", "-c", "core.excludesFile=/dev/null", "ls-files", "--others", "--exclude-standard"];
  const self = resolve(import.meta.path);
  const child = (mode: Mode) => [process.execPath, self, "--child", mode, "--root", root];
  const cli = [process.execPath, resolve(import.meta.dir, "../../src/cli.ts"), "files", "--hidden"];
  const binary = resolve(import.meta.dir, "../../dist/weft");
  const compiled = existsSync(binary) ? [binary, "files", "--hidden"] : undefined;

  // Warm the page cache, and check both sides see the same file set.
  const gitFiles = run(gitCmd, root).out.trim().split("\n").length;
  const found = discover(optionsFor(root, true));
  if (found.files.length + found.skipped.length !== gitFiles)
    throw new Error(`file sets differ: git ${gitFiles}, weft ${found.files.length} + ${found.skipped.length} skipped`);

  const names = ["git", "walk", "stat", "full", "cli", "bin"] as const;
  const samples: Record<(typeof names)[number], Sample[]> = { git: [], walk: [], stat: [], full: [], cli: [], bin: [] };
  for (let r = 0; r < RUNS; r++) {
    // Interleaved, so load from other processes hits every measurement alike.
    samples.git.push(run(gitCmd, root));
    for (const mode of ["walk", "stat", "full"] as const) {
      const s = run(child(mode), root);
      samples[mode].push({ ...s, inner: JSON.parse(s.out).ms });
    }
    samples.cli.push(run(cli, root));
    if (compiled) samples.bin.push(run(compiled, root));
  }
  const m = (k: (typeof names)[number], f: (s: Sample) => number) => median(samples[k].map(f));
  const git = { wall: m("git", (s) => s.wall), cpu: m("git", (s) => s.cpu) };
  const fmt = (x: number, base: number) => `${x.toFixed(1).padStart(8)} ms ${(x / base).toFixed(2).padStart(5)}x`;
  const labels: Record<(typeof names)[number], string> = {
    git: "git ls-files --others --exclude-standard",
    walk: "weft walk: ignore rules, hidden, symlinks",
    stat: "weft discover(), checkContent off: + lstat per file",
    full: "weft discover(), checkContent on: + open/read 8 KiB",
    cli: "weft files --hidden (CLI from source, + output)",
    bin: "weft files --hidden (compiled dist/weft)",
  };
  console.log(
    `${gitFiles} files listed (${FILES} generated); fresh process per run; medians of ${RUNS} interleaved runs; ratios against git`,
  );
  console.log(
    `${"".padEnd(52)} ${"process wall".padStart(17)}  ${"process cpu".padStart(17)}  ${"in-process".padStart(11)}`,
  );
  for (const k of names) {
    if (samples[k].length === 0) {
      console.log(`${labels[k].padEnd(52)} (run \`bun run build\` first)`);
      continue;
    }
    const inner =
      k === "walk" || k === "stat" || k === "full"
        ? `${m(k, (s) => s.inner!)
            .toFixed(1)
            .padStart(8)} ms`
        : "";
    console.log(
      `${labels[k].padEnd(52)} ${fmt(
        m(k, (s) => s.wall),
        git.wall,
      )}  ${fmt(
        m(k, (s) => s.cpu),
        git.cpu,
      )}  ${inner}`,
    );
  }
  const ratio = m("walk", (s) => s.wall) / git.wall;
  console.log(`${ratio < 2 ? "OK" : "OVER TARGET"}: walk ${ratio.toFixed(2)}x git, process wall time (target < 2x)`);
  process.exitCode = ratio < 2 ? 0 : 1;
} finally {
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  else console.log(`tree kept in ${root}`);
}
