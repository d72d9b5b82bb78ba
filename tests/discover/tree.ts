import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_MAX_FILE_SIZE } from "../../src/discover/args.ts";
import type { DiscoveryOptions } from "../../src/model/file.ts";

/** A fresh temporary directory (real path, so symlink checks compare like with like). */
export function tempDir(prefix = "weft-discover-"): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** Writes `files` (relative path -> content) under `root`, creating directories. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Discovery options with the CLI's defaults, walking "." in `cwd`. */
export function options(cwd: string, over: Partial<DiscoveryOptions> = {}): DiscoveryOptions {
  return {
    paths: ["."],
    listed: [],
    cwd,
    ignoreFiles: true,
    hidden: false,
    follow: false,
    include: [],
    exclude: [],
    languages: [],
    map: {},
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    skipMinified: true,
    checkContent: true,
    ...over,
  };
}

/** Runs git in `cwd` with no user or system configuration (no global excludes file). */
export function git(cwd: string, args: string[]): string {
  const r = Bun.spawnSync(["git", "-c", "core.excludesFile=/dev/null", ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
    },
  });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}
