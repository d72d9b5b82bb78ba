// Builds weft's single-file executables.
//   bun run build                      this machine -> dist/weft
//   bun run build --target linux-arm64 (repeatable) -> dist/weft-linux-arm64
//   bun run build --all                every release target
// Each binary embeds ITS target's @ast-grep/napi addon and parser.so files (never the build
// machine's), and is checked after the build to contain exactly those bytes. A parser that a
// package does not publish for a target is compiled from that package's C sources with a pinned
// cross compiler (build/crossParsers.ts) and must match its sha256 in packaging/cross/parsers.json;
// one that can be neither fails the build unless the language table declares it unavailable there.
import type { BunPlugin } from "bun";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  buildSourceParsers,
  parserProblems,
  readPins,
  sourceParserPath,
  ZIG_TARGETS,
  type Pins,
  type SourceParser,
} from "./build/crossParsers.ts";
import { archiveName, releaseArchive } from "./build/archive.ts";
import { BuildError } from "./build/error.ts";
import { renderNotices, uncoveredPackages } from "./build/notices.ts";
import { buildReader, ensureLocalReader } from "./build/reader.ts";
import { sha256 } from "./src/languages/cache.ts";
import type { LanguageSpec } from "./src/languages/spec.ts";
import { LANGUAGES } from "./src/languages/table.ts";
import { hostTarget, TARGET_IDS, TARGETS, targetById, type Target } from "./src/languages/targets.ts";

const ROOT = import.meta.dir;
/** Set to record the sha256 of parsers built from source instead of checking them (see build/crossParsers.ts). */
const RECORD_HASHES = process.env.WEFT_UPDATE_PARSER_HASHES === "1";
const ADDONS_DIR = join(ROOT, "packaging", "napi");
const require = createRequire(join(ROOT, "package.json"));

export { BuildError };

/** One parser to embed; `source` when it is compiled from its package's C sources. */
type ParserPlan = { id: string; path: string; sha256: string; source?: SourceParser["source"] };

/** What goes into one target's binary; `reader` is set once the tree reader is built. */
type Plan = {
  target: Target;
  outfile: string;
  addon: string;
  parsers: ParserPlan[];
  declaredMissing: string[];
  reader?: { path: string; sha256: string };
  /** weft's LICENSE and the generated third-party notices, embedded for `weft --licenses`. */
  licenses: { weft: string; thirdParty: string };
};

function napiVersion(): string {
  return (require("@ast-grep/napi/package.json") as { version: string }).version;
}

/**
 * The target's napi addon file. The host's comes from the project's node_modules; the others from
 * packaging/napi, installed on demand with `--os/--cpu *` from its own lock file (bun skips
 * platform packages that do not match the host, even when listed as direct dependencies).
 */
function addonFor(target: Target): string {
  let addon = installedAddon(target.napiPackage);
  if (!addon) {
    console.error(`installing release addons in ${ADDONS_DIR}`);
    const proc = Bun.spawnSync([process.execPath, "install", "--frozen-lockfile", "--os=*", "--cpu=*"], {
      cwd: ADDONS_DIR,
      stdout: "inherit",
      stderr: "inherit",
    });
    if (proc.exitCode !== 0) throw new BuildError(`bun install in ${ADDONS_DIR} failed (exit ${proc.exitCode})`);
    addon =
      installedAddon(target.napiPackage) ??
      fail(`${target.id}: ${target.napiPackage} is not installed, or has no addon file`);
  }
  const version = (JSON.parse(readFileSync(join(dirname(addon), "package.json"), "utf8")) as { version: string })
    .version;
  if (version !== napiVersion())
    throw new BuildError(
      `${target.id}: ${target.napiPackage} is ${version} but @ast-grep/napi is ${napiVersion()}; update packaging/napi/package.json`,
    );
  return addon;
}

/** The addon file of an installed napi platform package (project first, then packaging/napi). */
function installedAddon(pkg: string): string | undefined {
  for (const from of [ROOT, ADDONS_DIR]) {
    const dir = packageDir(pkg, from);
    if (!dir) continue;
    const main = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { main?: string }).main;
    if (main && existsSync(join(dir, main))) return join(dir, main);
  }
  return undefined;
}

function packageDir(name: string, from: string): string | undefined {
  // Look on disk first: Bun caches a failed resolution, so `resolve` alone would still miss the
  // packages that addonFor has just installed in this same process.
  const direct = join(from, "node_modules", name);
  if (existsSync(join(direct, "package.json"))) return direct;
  try {
    return dirname(createRequire(join(from, "package.json")).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/**
 * Every package grammar's parser.so for the target: the package's prebuilt file (checked to be a
 * library for the target's format and CPU exporting the grammar's symbol), else one compiled from
 * the package's sources with its sha256 pinned in `pins` (or being recorded: `record`), else
 * declared unavailable in the table. Anything else fails the build.
 */
export function parsersFor(
  target: Target,
  languages: readonly LanguageSpec[] = LANGUAGES,
  pins: Pins = readPins(),
  record = false,
): { parsers: ParserPlan[]; declaredMissing: string[] } {
  const parsers: ParserPlan[] = [];
  const declaredMissing: string[] = [];
  const problems: string[] = [];
  for (const lang of languages) {
    const g = lang.grammar;
    if (g?.kind !== "package") continue;
    const root = packageDir(g.pkg, ROOT);
    if (!root) {
      problems.push(`${lang.id}: package ${g.pkg} is not installed`);
      continue;
    }
    const path = join(root, "prebuilds", target.prebuild, "parser.so");
    const declared = g.unavailableOn?.includes(target.id) ?? false;
    const pin = pins[target.id]?.[lang.id];
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      if (declared)
        problems.push(
          `${lang.id}: declared unavailable on ${target.id} but ${path} exists; remove it from unavailableOn in src/languages/table.ts`,
        );
      else if (pin)
        problems.push(`${lang.id}: ${path} exists now; remove its ${target.id} hash from packaging/cross/parsers.json`);
      else problems.push(...parserProblems(target, g.symbol, bytes, false).map((m) => `${lang.id}: ${path} ${m}`));
      parsers.push({ id: lang.id, path, sha256: sha256(bytes) });
    } else if (declared) {
      if (pin)
        problems.push(
          `${lang.id}: declared unavailable on ${target.id} but its hash is pinned in packaging/cross/parsers.json; keep one of the two`,
        );
      declaredMissing.push(lang.id);
    } else if (ZIG_TARGETS[target.id] && (pin || record)) {
      parsers.push({
        id: lang.id,
        path: sourceParserPath(target.id, lang.id),
        sha256: pin ?? "",
        source: { pkgDir: root, symbol: g.symbol },
      });
    } else {
      const build = ZIG_TARGETS[target.id]
        ? `build it from the package's sources (WEFT_UPDATE_PARSER_HASHES=1 bun run build --target ${target.id} records its sha256)`
        : `build.ts cannot build parsers for ${target.id} from source`;
      problems.push(
        `${lang.id}: ${path} is missing; ${build}, or declare it unavailable on ${target.id} in src/languages/table.ts`,
      );
    }
  }
  if (problems.length > 0) throw new BuildError(`${target.id}: parsers:\n  ${problems.join("\n  ")}`);
  return { parsers, declaredMissing };
}

/** Source of the parserFiles.ts that goes into the binary: static file imports and their sha256. */
function parserFilesModule(parsers: ParserPlan[]): string {
  const imports = parsers.map((p, i) => `import p${i} from ${JSON.stringify(p.path)} with { type: "file" };`);
  const entries = parsers.map(
    (p, i) => `  ${JSON.stringify(p.id)}: { path: p${i}, sha256: ${JSON.stringify(p.sha256)} },`,
  );
  return `${imports.join("\n")}\nexport type ParserFile = { path: string; sha256?: string };\n/** Generated by build.ts: the parsers embedded in this binary. */\nexport function parserFiles(): Record<string, ParserFile> {\n  return {\n${entries.join("\n")}\n  };\n}\n`;
}

/** Source of the readerFile.ts that goes into the binary: the target's tree reader and its sha256. */
function readerFileModule(reader: { path: string; sha256: string }): string {
  return `import reader from ${JSON.stringify(reader.path)} with { type: "file" };\nexport type ReaderFile = { path: string; sha256: string; fix?: string };\n/** Generated by build.ts: the tree reader embedded in this binary. */\nexport function readerFile(): ReaderFile | undefined {\n  return { path: reader, sha256: ${JSON.stringify(reader.sha256)} };\n}\n`;
}

/** Swaps in the target's parsers, tree reader and addon; records which replacements happened. */
function embedPlugin(plan: Plan, fired: Set<string>): BunPlugin {
  return {
    name: "weft-embed-native",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]tree[\\/]readerFile\.ts$/ }, () => {
        fired.add("readerFile");
        return { contents: readerFileModule(plan.reader!), loader: "ts" };
      });
      build.onLoad({ filter: /[\\/]src[\\/]noticeTexts\.ts$/ }, () => {
        fired.add("noticeTexts");
        const texts = JSON.stringify(plan.licenses);
        return { contents: `export function licenseTexts() {\n  return ${texts};\n}\n`, loader: "js" };
      });
      build.onLoad({ filter: /[\\/]src[\\/]languages[\\/]parserFiles\.ts$/ }, () => {
        fired.add("parserFiles");
        return { contents: parserFilesModule(plan.parsers), loader: "ts" };
      });
      // napi's index.js picks an addon by process.platform at run time, and bundling it would pull in
      // whichever platform packages happen to be installed. Worse, Bun extracts an embedded addon to
      // $TMPDIR/.bun-<uid>-<hash>.node and loads whatever file it finds there. Embed the target's
      // addon as a plain file instead; addon.ts copies it into weft's verified cache and loads it.
      build.onLoad({ filter: /[\\/]@ast-grep[\\/]napi[\\/]index\.js$/ }, async (args) => {
        const original = await Bun.file(args.path).text();
        const names = [...original.matchAll(/^module\.exports\.(\w+) = nativeBinding\.\1$/gm)].map((m) => m[1]!);
        if (names.length === 0)
          throw new BuildError(
            `${args.path}: layout changed (no "module.exports.X = nativeBinding.X" lines); update embedPlugin`,
          );
        fired.add("napi");
        // Loaded on first use, not at startup: napi is only the oracle (diagnose, `weft languages`),
        // so `weft chunk` never loads it. Each export forwards to the loaded addon; weft calls only
        // napi's functions (parse, registerDynamicLanguage), never its classes or enums by value.
        const contents = [
          `import addon from ${JSON.stringify(plan.addon)} with { type: "file" };`,
          `import { lazyEmbeddedAddon } from ${JSON.stringify(join(ROOT, "src/languages/addon.ts"))};`,
          `const nativeBinding = lazyEmbeddedAddon(addon, ${JSON.stringify(sha256(readFileSync(plan.addon)))}, ${JSON.stringify(names)});`,
          `export default new Proxy({}, { get: (_, name) => nativeBinding()[name] });`,
          ...names.map((n) => `export function ${n}(...args) { return nativeBinding().${n}(...args); }`),
        ];
        return { contents: contents.join("\n"), loader: "js" };
      });
    },
  };
}

/** Checks that the binary holds the target's addon and every planned parser, byte for byte, and no other target's addon. */
function verifyArtifact(plan: Plan, otherAddons: string[]): void {
  const bin = readFileSync(plan.outfile);
  const missing: string[] = [];
  if (bin.indexOf(readFileSync(plan.addon)) < 0) missing.push(`addon ${plan.addon}`);
  if (bin.indexOf(readFileSync(plan.reader!.path)) < 0) missing.push(`tree reader ${plan.reader!.path}`);
  for (const p of plan.parsers) if (bin.indexOf(readFileSync(p.path)) < 0) missing.push(`parser ${p.id}`);
  if (missing.length > 0) throw new BuildError(`${plan.outfile} does not contain: ${missing.join(", ")}`);
  const foreign = otherAddons.filter((a) => bin.indexOf(readFileSync(a)) >= 0);
  if (foreign.length > 0)
    throw new BuildError(`${plan.outfile} contains another platform's addon: ${foreign.join(", ")}`);
}

async function buildOne(plan: Plan, otherAddons: string[]): Promise<{ size: number; sha256: string }> {
  const fired = new Set<string>();
  const result = await Bun.build({
    entrypoints: [join(ROOT, "src/cli.ts"), join(ROOT, "src/execute/worker.ts")],
    compile: { target: plan.target.bun, outfile: plan.outfile, autoloadDotenv: false, autoloadBunfig: false },
    plugins: [embedPlugin(plan, fired)],
    minify: true,
    // Precompiled bytecode: `weft --version` went from 58 to 16 ms (median of 21) because the
    // bundle is no longer parsed at start-up. ESM bytecode needs compile, which this always is.
    bytecode: true,
    format: "esm",
    sourcemap: "linked",
    metafile: true,
    define: { WEFT_BUILD: JSON.stringify({ commit: sourceCommit(), target: plan.target.id, build: BUILD_ID }) },
  });
  if (!result.success)
    throw new BuildError(`${plan.target.id}: bun build failed:\n${result.logs.map(String).join("\n")}`);
  for (const name of ["parserFiles", "readerFile", "napi", "noticeTexts"])
    if (!fired.has(name))
      throw new BuildError(`${plan.target.id}: the ${name} replacement did not apply; check embedPlugin's filters`);
  // Every package that went into the binary has its notice (build/notices.ts), or the build fails.
  const inputs = Object.keys(result.metafile?.inputs ?? {});
  if (inputs.length === 0)
    throw new BuildError(`${plan.target.id}: bun build gave no metafile to check notices against`);
  const uncovered = uncoveredPackages(inputs);
  if (uncovered.length > 0)
    throw new BuildError(
      `${plan.target.id}: the binary embeds ${uncovered.join(", ")}, which build/notices.ts has no notice for; add to COMPONENTS`,
    );
  verifyArtifact(plan, otherAddons);
  const bytes = readFileSync(plan.outfile);
  return { size: bytes.length, sha256: sha256(bytes) };
}

/** Tells this build's binaries from any other's, so a chunk cache never reuses another build's entries. */
const BUILD_ID = crypto.randomUUID();

let commit: string | undefined;
/** The commit being built, "-dirty" when the work tree differs from it, "unknown" outside git (`weft --version` reports it). */
function sourceCommit(): string {
  if (commit) return commit;
  const git = (args: string[]) => Bun.spawnSync(["git", ...args], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
  const head = git(["rev-parse", "HEAD"]);
  if (head.exitCode !== 0) return (commit = "unknown");
  const dirty = git(["status", "--porcelain"]).stdout.toString().trim() !== "";
  return (commit = `${head.stdout.toString().trim()}${dirty ? "-dirty" : ""}`);
}

function selectTargets(argv: string[]): { targets: Target[]; release: boolean } {
  let values: { target?: string[]; all?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { target: { type: "string", multiple: true }, all: { type: "boolean" } },
      strict: true,
    }));
  } catch (err) {
    throw new BuildError(
      `${(err as Error).message}; usage: bun run build [--target <${TARGET_IDS.join("|")}>]... [--all]`,
    );
  }
  if (values.all) return { targets: [...TARGETS], release: true };
  if (values.target?.length) {
    const targets = values.target.map(
      (id) => targetById(id) ?? fail(`unknown target "${id}"; known: ${TARGET_IDS.join(", ")}`),
    );
    return { targets, release: true };
  }
  const host =
    hostTarget() ?? fail(`this machine (${process.platform}-${process.arch}) is not a weft target; use --target`);
  return { targets: [host], release: false };
}

function fail(message: string): never {
  throw new BuildError(message);
}

/** Where the third-party notices are written; the archives and the npm packages ship this file. */
export const NOTICES_FILE = join(ROOT, "dist", "THIRD-PARTY-NOTICES.txt");

/** The time stamped on archive entries: SOURCE_DATE_EPOCH, else the commit's time (not the clock), so an archive depends only on its files. */
function archiveTime(): number {
  const fixed = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isInteger(fixed) && fixed > 0) return fixed;
  const log = Bun.spawnSync(["git", "log", "-1", "--format=%ct"], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
  const t = Number(log.stdout.toString().trim());
  return log.exitCode === 0 && Number.isInteger(t) && t > 0 ? t : 315532800;
}

async function main(argv: string[]): Promise<void> {
  const { targets, release } = selectTargets(argv);
  // Generated before anything is built: a missing license text fails the build up front.
  const licenses = { weft: readFileSync(join(ROOT, "LICENSE"), "utf8"), thirdParty: renderNotices() };
  mkdirSync(dirname(NOTICES_FILE), { recursive: true });
  writeFileSync(NOTICES_FILE, licenses.thirdParty);
  const plans: Plan[] = targets.map((target) => {
    const exe = target.platform === "win32" ? ".exe" : "";
    const outfile = resolve(ROOT, "dist", release ? `weft-${target.id}${exe}` : `weft${exe}`);
    return {
      target,
      outfile,
      addon: addonFor(target),
      licenses,
      ...parsersFor(target, LANGUAGES, readPins(), RECORD_HASHES),
    };
  });
  const sums: string[] = [];
  for (const plan of plans) {
    await buildSourceParsers(
      plan.target,
      plan.parsers.filter((p): p is SourceParser => p.source !== undefined),
      RECORD_HASHES,
    );
    // The pinned Zig runs on linux-x64 only; elsewhere this machine's own binary gets a reader built
    // with its own C compiler (unpinned, for this machine only); release builds need linux-x64.
    const zigRuns = process.platform === "linux" && process.arch === "x64";
    plan.reader = release || zigRuns ? await buildReader(plan.target) : await ensureLocalReader(plan.target);
    const others = TARGETS.filter((t) => t.id !== plan.target.id).flatMap((t) => installedAddon(t.napiPackage) ?? []);
    const { size, sha256: hash } = await buildOne(plan, others);
    const rel = plan.outfile.slice(ROOT.length + 1);
    console.log(`${rel}  ${(size / 1e6).toFixed(1)} MB  sha256 ${hash}`);
    console.log(
      `  ${plan.target.id}: verified to embed the tree reader (sha256 ${plan.reader.sha256}${release || (process.platform === "linux" && process.arch === "x64") ? " as pinned in packaging/cross/reader.json" : ", built with this machine's C compiler, not pinned"}), ${plan.target.napiPackage} and ${plan.parsers.length} parsers byte for byte, and no other platform's addon`,
    );
    const built = plan.parsers.filter((p) => p.source).map((p) => p.id);
    if (built.length > 0)
      console.log(
        `  compiled from the packages' C sources, sha256 as pinned in packaging/cross/parsers.json: ${built.join(", ")}`,
      );
    if (plan.declaredMissing.length > 0)
      console.log(
        `  not available on ${plan.target.id} (declared in src/languages/table.ts, delimiter chunker used): ${plan.declaredMissing.join(", ")}`,
      );
    if (!release) continue;
    // The release ships compressed archives; SHA256SUMS covers them (install.sh checks one).
    const windows = plan.target.platform === "win32";
    const archive = releaseArchive(
      readFileSync(plan.outfile),
      licenses.weft,
      licenses.thirdParty,
      windows,
      archiveTime(),
    );
    const name = archiveName(plan.target.id, windows);
    writeFileSync(join(ROOT, "dist", name), archive);
    console.log(`  dist/${name}  ${(archive.length / 1e6).toFixed(1)} MB (binary, LICENSE, THIRD-PARTY-NOTICES.txt)`);
    sums.push(`${sha256(archive)}  ${name}`);
  }
  if (release) writeFileSync(join(ROOT, "dist", "SHA256SUMS"), `${sums.join("\n")}\n`);
}

if (import.meta.main) {
  try {
    await main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  }
}
