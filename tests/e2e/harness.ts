// Runs the compiled binary the way a user does: copied alone into an empty temporary directory,
// with HOME and the cache directory pointing to new empty directories, cwd that directory, and no
// source tree or node_modules in reach.
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

/** Starts the binary in the sandbox; resolves when it exits. */
export async function runWeft(
  sb: Sandbox,
  args: string[],
  env: Record<string, string> = sandboxEnv(sb),
): Promise<RunResult> {
  mkdirSync(join(sb.dir, "tmp"), { recursive: true });
  const proc = Bun.spawn([sb.bin, ...args], { cwd: sb.dir, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** One row of `weft languages --json` (the fields the tests read). */
export type Row = {
  id: string;
  parser: string;
  status: string;
  error?: string;
  main?: { ok: boolean; root?: string };
  worker?: { ok: boolean; root?: string };
};

export function rows(res: RunResult): Row[] {
  return JSON.parse(res.stdout) as Row[];
}
