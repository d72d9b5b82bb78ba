import { rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, release } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { cacheDir } from "../../src/languages/cache.ts";
import { probeLanguages } from "../../src/languages/probe.ts";
import { registerOracle } from "../../src/languages/oracle.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import { SAMPLES } from "../../src/languages/samples.ts";
import { readerRuntime } from "../../src/tree/parseTree.ts";
import { grammarLanguages } from "../../src/languages/table.ts";
import type { Check } from "../../src/model/diagnosis.ts";
import { errorMessage } from "../../src/model/errors.ts";
import { VERSION } from "../../src/version.ts";
import { runCheck, verdict, type Verdict } from "../check.ts";
import { compareWithOracle } from "../oracle/compareTrees.ts";
import { chunkCacheCheck } from "./chunkCache.ts";
import { openNoLinksCheck } from "./openNoLinks.ts";

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
    await runCheck("env.open-no-links", "env", openNoLinksCheck),
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
      const rt = readerRuntime();
      const through =
        "runtime" in rt
          ? ` through the tree reader (${rt.runtime}, grammar ABI ${rt.abiRange[0]}-${rt.abiRange[1]})`
          : "";
      return verdict(problems, `${ids.length} of ${ids.length} grammars load${through} and parse in the main thread`);
    }),
    await runCheck("env.tree-oracle", "env", treeOracleCheck),
  ];
}

/**
 * Each grammar's sample parsed by weft's tree reader and by @ast-grep/napi (the oracle) must give
 * the same tree node for node: a different runtime or grammar build on this machine would change
 * chunks without an error, so it is named here.
 */
function treeOracleCheck(): Verdict {
  const ids = grammarLanguages().map((l) => l.id);
  const runtime = readerRuntime();
  if ("error" in runtime) return { status: "fail", detail: `tree reader: ${runtime.error}` };
  const registered = registerOracle(ids);
  const problems: string[] = [];
  let nodes = 0;
  for (const id of ids) {
    const sample = SAMPLES[id];
    if (!loadParsers([id]).get(id)?.ok) continue; // env.parsers reports it
    const oracleError = registered.get(id);
    if (oracleError) problems.push(`${id}: @ast-grep/napi cannot parse it (${oracleError})`);
    else if (sample === undefined) problems.push(`${id}: no sample`);
    else {
      try {
        const c = compareWithOracle(id, sample);
        nodes += c.nodes;
        if (c.mismatch) problems.push(`${id}: ${c.mismatch}`);
      } catch (err) {
        problems.push(`${id}: ${errorMessage(err)}`);
      }
    }
  }
  return verdict(
    problems,
    `${ids.length} grammars: the reader (${runtime.runtime}, ABI ${runtime.abiRange[0]}-${runtime.abiRange[1]}) and @ast-grep/napi agree on ${nodes} nodes of the samples`,
  );
}
