// Runs the compiled binary the way a user does: copied alone into an empty temporary directory,
// with HOME and the cache directory pointing to new empty directories, cwd that directory, and no
// source tree or node_modules in reach.
// Tests of the commands run the source the same way (fromSource), in the repository, with the test
// process's environment.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

export const BINARY = resolve(import.meta.dir, "../../dist", process.platform === "win32" ? "weft.exe" : "weft");

/** An isolated place to run the binary: its own cwd, HOME, cache and TMPDIR. */
export type Sandbox = { dir: string; bin: string; home: string; cache: string };

let root: string | undefined;
let bin: string | undefined;

/**
 * A fresh sandbox directory with an empty HOME. The binary is copied once per test file into
 * the sandbox root (a copy per test would write gigabytes); `cleanup()` removes everything.
 */
export function sandbox(): Sandbox {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`bun run build\` first (\`bun run test\` does)`);
  if (!root || !bin) {
    root = realpathSync(mkdtempSync(join(tmpdir(), "weft-e2e-")));
    for (let d = root; d !== dirname(d); d = dirname(d)) {
      if (existsSync(join(d, "node_modules")))
        throw new Error(`${d}/node_modules is in reach of the e2e sandbox; set TMPDIR elsewhere`);
    }
    bin = join(root, "weft");
    copyFileSync(BINARY, bin);
  }
  const dir = mkdtempSync(join(root, "run-"));
  const home = join(dir, "home");
  mkdirSync(home);
  return { dir, bin, home, cache: join(dir, "cache") };
}

/** Removes every sandbox of this test file. */
export function cleanup(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = bin = undefined;
}

export type RunResult = { code: number; stdout: string; stderr: string };

/** Environment with nothing from the developer's shell but PATH (for the OS) and what is given. */
export function sandboxEnv(sb: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: sb.home,
    WEFT_CACHE_DIR: sb.cache,
    TMPDIR: join(sb.dir, "tmp"),
    ...extra,
  };
}

/** weft run from source: `bun src/cli.ts`, for the tests of the commands (tests/commands, tests/diagnostics). */
export const SOURCE_CLI = resolve(import.meta.dir, "../../src/cli.ts");

/**
 * Where runWeft starts weft other than in a sandbox: the command line before the arguments, the
 * working directory, and the environment (undefined: this process's, which carries the private
 * WEFT_CACHE_DIR that tests/setup.ts made).
 */
export type Launch = { cmd: readonly string[]; cwd: string; env?: Record<string, string> };

/** weft from source (`bun src/cli.ts`) in `cwd` (default: the repository), with this process's environment. */
export function fromSource(cwd: string = resolve(import.meta.dir, "../..")): Launch {
  return { cmd: [process.execPath, SOURCE_CLI], cwd };
}

/** How one run differs from the default: no stdin, weft's own command line, no time limit. */
export type RunOptions = {
  /** Fed to weft's stdin (default: none; stdin is ignored). */
  stdin?: string | Uint8Array;
  /** The command line before `args`, replacing the sandbox's binary (e.g. `sh -c 'cd X && exec "$0" "$@"' BIN`). */
  cmd?: readonly string[];
  /** Kill weft after this long, so that a hang (a FIFO opened by mistake would) fails the test, not the suite. */
  killAfterMs?: number;
};

/**
 * Starts weft and resolves when it exits: a sandbox's copy of the binary, in the sandbox with
 * `env` (default sandboxEnv), or what a Launch says (fromSource: the source tree). The one way
 * the tests run weft as a user does, so that every run gets the same isolation.
 */
export async function runWeft(
  at: Sandbox | Launch,
  args: string[],
  env?: Record<string, string>,
  opts: RunOptions = {},
): Promise<RunResult> {
  let launch: Launch;
  if ("bin" in at) {
    mkdirSync(join(at.dir, "tmp"), { recursive: true }); // The binary unpacks its native addon into TMPDIR.
    launch = { cmd: [at.bin], cwd: at.dir, env: env ?? sandboxEnv(at) };
  } else launch = { ...at, env: env ?? at.env };
  const stdin = typeof opts.stdin === "string" ? new TextEncoder().encode(opts.stdin) : opts.stdin;
  const proc = Bun.spawn([...(opts.cmd ?? launch.cmd), ...args], {
    cwd: launch.cwd,
    env: launch.env,
    stdin: stdin ?? "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => proc.kill(), opts.killAfterMs);
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** One row of `weft languages --json` (the fields the tests read). */
export type Row = {
  id: string;
  parser: string;
  status: string;
  runtime?: string;
  abi?: number;
  error?: string;
  main?: { ok: boolean; root?: string };
  worker?: { ok: boolean; root?: string };
};

export function rows(res: RunResult): Row[] {
  return JSON.parse(res.stdout) as Row[];
}
