import { rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, release } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { cacheDir } from "../../src/languages/cache.ts";
import { probeLanguages } from "../../src/languages/probe.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import { grammarLanguages } from "../../src/languages/table.ts";
import type { Check } from "../../src/model/diagnosis.ts";
import { errorMessage } from "../../src/model/errors.ts";
import { VERSION } from "../../src/version.ts";
import { runCheck, verdict } from "../check.ts";
import { chunkCacheCheck } from "./chunkCache.ts";

/** Platforms weft ships binaries for. */
const SUPPORTED = new Set(["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64"]);

/** True inside a `bun build --compile` binary (its modules live in Bun's embedded file system). */
export function isCompiled(): boolean {
  return Bun.main.startsWith("/$bunfs/") || Bun.main.includes("~BUN");
}

/** The glibc version when running on glibc Linux, else undefined (musl, macOS, Windows). */
function glibc(): string | undefined {
  // Node's diagnostic report is the portable way to ask the runtime which libc it linked.
  const report = (
    process as unknown as { report?: { getReport?: () => { header?: { glibcVersionRuntime?: string } } } }
  ).report;
  return report?.getReport?.()?.header?.glibcVersionRuntime;
}

/** Makes sure `dir` accepts a new file and lets it be removed again. */
function probeWritable(dir: string): void {
  const probe = join(dir, `.weft-diagnose-${process.pid}-${Date.now()}`);
  writeFileSync(probe, "ok", { mode: 0o600 });
  rmSync(probe);
}

/**
 * The env section: weft's version and build, the Bun runtime, OS/arch, CPUs, the parser cache
 * directory (made and written to), the chunk cache (an entry's round trip), and whether every grammar loads and parses in this process.
 */
export async function envChecks(): Promise<Check[]> {
  const target = `${process.platform}-${process.arch}`;
  const wantBun = pkg.engines.bun;
  return [
    await runCheck("env.weft", "env", () => ({
      status: "pass",
      detail: `weft ${VERSION}, ${isCompiled() ? `compiled binary for bun-${target}` : `from source (${Bun.main})`}`,
    })),
    await runCheck("env.bun", "env", () =>
      verdict(
        Bun.version === wantBun ? [] : [`weft is built and tested on Bun ${wantBun}; this is Bun ${Bun.version}`],
        `Bun ${Bun.version} (${Bun.revision.slice(0, 9)})`,
      ),
    ),
    await runCheck("env.platform", "env", () => {
      const libc = process.platform === "linux" ? (glibc() ? `glibc ${glibc()}` : "musl or unknown libc") : "";
      const desc = `${target}, kernel ${release()}${libc ? `, ${libc}` : ""}`;
      return verdict(
        SUPPORTED.has(target) ? [] : [`${desc}: not a platform weft ships binaries for (${[...SUPPORTED].join(", ")})`],
        desc,
      );
    }),
    await runCheck("env.cpus", "env", () => {
      const n = navigator.hardwareConcurrency;
      return verdict(
        n >= 1 ? [] : [`navigator.hardwareConcurrency is ${n}`],
        `${n} usable (available parallelism ${availableParallelism()}, ${cpus().length} online)`,
      );
    }),
    await runCheck("env.cache", "env", () => {
      try {
        const dir = cacheDir();
        probeWritable(dir);
        return { status: "pass", detail: `${dir} (private, writable)` };
      } catch (err) {
        return { status: "fail", detail: `parser cache unusable: ${errorMessage(err)}` };
      }
    }),
    await runCheck("env.chunk-cache", "env", chunkCacheCheck),
    await runCheck("env.parsers", "env", () => {
      const ids = grammarLanguages().map((l) => l.id);
      const status = loadParsers(ids);
      const problems: string[] = [];
      const loaded = ids.filter((id) => {
        const st = status.get(id);
        if (!st?.ok) problems.push(`${id}: ${st?.error ?? "not loaded"}`);
        return st?.ok === true;
      });
      for (const e of probeLanguages(loaded))
        if (!e.ok) problems.push(`${e.id}: loads but does not parse its sample: ${e.error}`);
      return verdict(problems, `${ids.length} of ${ids.length} grammars load and parse in the main thread`);
    }),
  ];
}
