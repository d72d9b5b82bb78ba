// Benchmark: discovery on a generated 50,000-file tree against `git ls-files --others
// --exclude-standard` on the same tree (the baseline, measured in the same run). Medians of
// several runs; ratio target < 2 for the walk. Run: bun run bench:walk [-- --files N --runs R]
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_MAX_FILE_SIZE } from "../../src/discover/args.ts";
import { discover } from "../../src/discover/discover.ts";
import { walkInputs } from "../../src/discover/walk.ts";
import type { DiscoveryOptions } from "../../src/model/file.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { files: { type: "string", default: "50000" }, runs: { type: "string", default: "7" }, keep: { type: "boolean" } } });
const FILES = Number(values.files);
const RUNS = Number(values.runs);

/** A tree shaped like a real repository: nested directories, mixed languages, .gitignore files that remove about a tenth. */
function generate(root: string, count: number): void {
  let seed = 42;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
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

/** Wall and CPU milliseconds of an in-process call. */
function time(fn: () => unknown): [number, number] {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const u = process.cpuUsage(c);
  return [performance.now() - t, (u.user + u.system) / 1000];
}

/** Wall and CPU milliseconds of a child process (CPU from its resource usage). */
function timeProcess(cmd: string[], cwd: string): [number, number] {
  const t = performance.now();
  const r = Bun.spawnSync(cmd, { cwd, stdout: "ignore", stderr: "ignore" });
  const wall = performance.now() - t;
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${r.exitCode}`);
  return [wall, Number(r.resourceUsage.cpuTime.total) / 1000];
}

const root = realpathSync(mkdtempSync(join(tmpdir(), "weft-bench-walk-")));
try {
  generate(root, FILES);
  Bun.spawnSync(["git", "init", "-q"], { cwd: root });
  const gitCmd = ["git", "-c", "core.excludesFile=/dev/null", "ls-files", "--others", "--exclude-standard"];
  const opts: DiscoveryOptions = {
    paths: ["."], listed: [], cwd: root, ignoreFiles: true, hidden: true, follow: false, include: [], exclude: [],
    languages: [], map: {}, maxFileSize: DEFAULT_MAX_FILE_SIZE, skipMinified: true, checkContent: true,
  };
  const cli = resolve(import.meta.dir, "../../src/cli.ts");
  // Warm the page cache and the JIT once, and check both sides see the same files (with --hidden,
  // since git lists .gitignore files too).
  const gitFiles = Bun.spawnSync(gitCmd, { cwd: root }).stdout.toString().trim().split("\n").length;
  const found = discover(opts);
  if (found.files.length + found.skipped.length !== gitFiles) throw new Error(`file sets differ: git ${gitFiles}, weft ${found.files.length} + ${found.skipped.length} skipped`);

  const runs: Record<"git" | "walk" | "stat" | "full" | "proc", [number, number][]> = { git: [], walk: [], stat: [], full: [], proc: [] };
  for (let r = 0; r < RUNS; r++) {
    // Interleaved so that load from other processes hits every measurement alike.
    runs.git.push(timeProcess(gitCmd, root));
    runs.walk.push(time(() => walkInputs(opts, undefined)));
    runs.stat.push(time(() => discover({ ...opts, checkContent: false })));
    runs.full.push(time(() => discover(opts)));
    runs.proc.push(timeProcess([process.execPath, cli, "files", "--hidden"], root));
  }
  const wall = (k: keyof typeof runs) => median(runs[k].map((x) => x[0]));
  const cpu = (k: keyof typeof runs) => median(runs[k].map((x) => x[1]));
  const row = (name: string, k: keyof typeof runs) =>
    `${name.padEnd(56)} ${wall(k).toFixed(1).padStart(7)} ms ${(wall(k) / wall("git")).toFixed(2).padStart(5)}x   ${cpu(k).toFixed(1).padStart(7)} ms ${(cpu(k) / cpu("git")).toFixed(2).padStart(5)}x`;
  console.log(`${gitFiles} files listed (${FILES} generated), medians of ${RUNS} interleaved runs; ratios against git`);
  console.log(`${"".padEnd(56)} ${"wall".padStart(10)} ${"ratio".padStart(6)}   ${"cpu".padStart(10)} ${"ratio".padStart(6)}`);
  console.log(row("git ls-files --others --exclude-standard (process)", "git"));
  console.log(row("weft walk: ignore rules, hidden, symlinks (in-process)", "walk"));
  console.log(row("weft discover(), checkContent off: walk + lstat per file", "stat"));
  console.log(row("weft discover(), checkContent on: + open/read 8 KiB/close", "full"));
  console.log(row("weft files --hidden (process, from source)", "proc"));
  const ratio = wall("walk") / wall("git");
  console.log(`${ratio < 2 ? "OK" : "OVER TARGET"}: walk ${ratio.toFixed(2)}x git wall time (target < 2x)`);
  process.exitCode = ratio < 2 ? 0 : 1;
} finally {
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  else console.log(`tree kept in ${root}`);
}
