import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild } from "./measure.ts";

/** What the weft binary under test can do, found by asking it (its flags change as issues land). */
export type Capabilities = {
  version: string;
  /** `weft chunk --executor inline|workers` */
  executor: boolean;
  /** `weft chunk --workers N` */
  workers: boolean;
  /** `weft diagnose` */
  diagnose: boolean;
};

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Reads `--version`, `--help` and `chunk --help` from the binary. Each runs in an empty temporary
 * directory: a binary whose `chunk` does not know --help would otherwise chunk the working directory.
 */
export async function detectCapabilities(bin: string): Promise<Capabilities> {
  const dir = mkdtempSync(join(tmpdir(), "weft-bench-probe-"));
  try {
    const ask = async (args: string[]) => {
      const r = await runChild({
        cmd: [bin, ...args],
        cwd: dir,
        stdout: { kind: "capture" },
        stderrPath: join(dir, ".stderr"),
        timeoutMs: 30_000,
      });
      const err = await Bun.file(join(dir, ".stderr")).text();
      return `${r.stdout}\n${err}`.replace(ANSI, "");
    };
    const version = (await ask(["--version"])).trim().split("\n")[0] ?? "?";
    const help = await ask(["--help"]);
    const chunkHelp = await ask(["chunk", "--help"]);
    return {
      version,
      executor: /--executor\b/.test(chunkHelp),
      workers: /--workers\b/.test(chunkHelp),
      diagnose: /^\s*diagnose\b/m.test(help) || /\bdiagnose\b/.test(help.split(/COMMANDS/i)[1] ?? ""),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The command-line flags selecting an executor, or null when this binary cannot do it. */
export function executorFlags(caps: Capabilities, workers: number | "inline" | "default"): string[] | null {
  if (workers === "default") return [];
  if (workers === "inline") return caps.executor ? ["--executor", "inline"] : null;
  if (!caps.workers) return null;
  return caps.executor ? ["--executor", "workers", "--workers", String(workers)] : ["--workers", String(workers)];
}

/** True when some file under src/ is newer than the binary: the figures would be for old code. */
export function binaryIsStale(bin: string, srcDir: string): boolean {
  const built = statSync(bin).mtimeMs;
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  return newest(srcDir) > built;
}
