// Parsers that an @ast-grep/lang-* package publishes no parser.so for on some target are compiled
// here from the C sources the same package ships (src/parser.c, src/scanner.c: the files its own
// prebuilds come from, pinned by the project's bun.lock), with a pinned cross compiler (Zig 0.11.0,
// packaging/cross). Each result must have the sha256 recorded in packaging/cross/parsers.json, so
// every machine builds the same bytes as the ones that were tested, and must be a shared library
// for the target's format and CPU that exports the grammar's symbol and needs nothing but the C library.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "../src/languages/cache.ts";
import type { Target, TargetId } from "../src/languages/targets.ts";
import { BuildError } from "./error.ts";
import { inspectSharedLibrary } from "./sharedLibrary.ts";

export const CROSS_DIR = join(import.meta.dir, "..", "packaging", "cross");
export const PINS_FILE = join(CROSS_DIR, "parsers.json");
export const ZIG = join(CROSS_DIR, "node_modules", "@ryoppippi", "zig-linux-x64", "zig");
/** The tree-sitter runtime's C sources (npm `tree-sitter`, pinned by packaging/cross/bun.lock), compiled into the tree reader. */
export const RUNTIME_DIR = join(CROSS_DIR, "node_modules", "tree-sitter");

/**
 * zig's target for the targets parsers are built for: glibc 2.17 (the oldest symbol versions a
 * parser can need) and macOS 11. Other targets get every parser from their packages today.
 */
export const ZIG_TARGETS: Partial<Record<TargetId, string>> = {
  "linux-arm64": "aarch64-linux-gnu.2.17",
  "darwin-x64": "x86_64-macos.11.0",
};

/**
 * Flags of every compile: optimized like tree-sitter's own builds, no debug info or local symbols,
 * no sanitizer traps (zig cc's default), and a fixed install name so that the output does not
 * depend on the directory it was built in.
 */
export const CFLAGS = ["-shared", "-fPIC", "-O2", "-g0", "-s", "-fno-sanitize=undefined", "-std=c11", "-Isrc"];

/** The C library each platform's parsers may link against, and nothing else. */
const C_LIBRARY: Partial<Record<NodeJS.Platform, string>> = {
  linux: "libc.so.6",
  darwin: "/usr/lib/libSystem.B.dylib",
};

/** sha256 of each parser built from source, by target and language id. */
export type Pins = Partial<Record<TargetId, Record<string, string>>>;

/** One parser to compile: its language, where it goes, its pinned sha256 ("" until recorded), its package's directory and symbol. */
export type SourceParser = { id: string; path: string; sha256: string; source: { pkgDir: string; symbol: string } };

/** The pinned hashes in packaging/cross/parsers.json. */
export function readPins(file: string = PINS_FILE): Pins {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { sha256: Pins }).sha256 : {};
}

/** Where the parser of language `id` for `target` is built. */
export function sourceParserPath(target: TargetId, id: string): string {
  return join(CROSS_DIR, "out", target, `${id}.so`);
}

/** The package's C sources, relative to its directory (compiled from there so no absolute path can reach the output). */
function cSources(pkgDir: string): string[] {
  return ["src/parser.c", "src/scanner.c"].filter((f) => existsSync(join(pkgDir, f)));
}

/**
 * What is wrong with `bytes` as the parser of `symbol` for `target`: another format or CPU, the
 * symbol not exported (not readable for Windows DLLs) and, with `onlyLibc`, linking anything but
 * the C library (and `alsoAllowed`).
 */
export function parserProblems(
  target: Target,
  symbol: string,
  bytes: Uint8Array,
  onlyLibc: boolean,
  alsoAllowed: readonly string[] = [],
): string[] {
  let info;
  try {
    info = inspectSharedLibrary(bytes);
  } catch (err) {
    return [(err as Error).message];
  }
  const format = { linux: "elf", darwin: "macho", win32: "pe" }[target.platform as "linux" | "darwin" | "win32"];
  const problems: string[] = [];
  if (info.format !== format || info.arch !== target.arch)
    problems.push(`is a ${info.format} ${info.arch} library, not ${format} ${target.arch}`);
  const exported = info.format === "macho" ? `_${symbol}` : symbol;
  if (info.format !== "pe" && !info.exports.includes(exported)) problems.push(`does not export ${exported}`);
  const extra = info.needs.filter((n) => n !== C_LIBRARY[target.platform] && !alsoAllowed.includes(n));
  if (onlyLibc && extra.length > 0)
    problems.push(`links ${extra.join(", ")} (only ${C_LIBRARY[target.platform]} is allowed)`);
  return problems;
}

/**
 * Makes each parser's file: reuses a built file whose sha256 is the pinned one, else compiles it
 * (two at a time) and checks it. With `record`, hashes are written to parsers.json instead of
 * compared (after a grammar package or the compiler changed, and the new files were tested).
 */
export async function buildSourceParsers(target: Target, parsers: SourceParser[], record: boolean): Promise<void> {
  const todo = parsers.filter((p) => record || !existsSync(p.path) || sha256(readFileSync(p.path)) !== p.sha256);
  if (todo.length === 0) return;
  const zigTarget =
    ZIG_TARGETS[target.id] ??
    fail(
      `${target.id}: no cross compiler target configured in build/crossParsers.ts for ${todo.map((p) => p.id).join(", ")}`,
    );
  const zig = ensureZig();
  const problems: string[] = [];
  const queue = [...todo];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift())
      problems.push(...(await compile(zig, zigTarget, target, p, record)));
  };
  await Promise.all([worker(), worker()]);
  if (problems.length > 0) fail(`${target.id}: parsers built from source:\n  ${problems.join("\n  ")}`);
  if (record) {
    const pins = readPins();
    pins[target.id] = { ...pins[target.id], ...Object.fromEntries(parsers.map((p) => [p.id, p.sha256])) };
    const sorted = Object.fromEntries(
      Object.entries(pins)
        .sort()
        .map(([t, byLang]) => [t, Object.fromEntries(Object.entries(byLang).sort())]),
    );
    writeFileSync(
      PINS_FILE,
      `${JSON.stringify({ comment: "sha256 of each parser.so that build.ts compiles from its package's C sources (build/crossParsers.ts); refresh with WEFT_UPDATE_PARSER_HASHES=1", sha256: sorted }, null, 2)}\n`,
    );
    console.log(`recorded ${parsers.length} ${target.id} parser hashes in ${PINS_FILE}`);
  }
}

/** Compiles one parser to a temp file, checks it and moves it into place; returns its problems. */
async function compile(
  zig: string,
  zigTarget: string,
  target: Target,
  p: SourceParser,
  record: boolean,
): Promise<string[]> {
  const { pkgDir, symbol } = p.source;
  const sources = cSources(pkgDir);
  if (!sources.includes("src/parser.c")) return [`${p.id}: ${pkgDir}/src/parser.c is missing`];
  mkdirSync(join(p.path, ".."), { recursive: true });
  const tmp = `${p.path}.${process.pid}.tmp`;
  const darwin = target.platform === "darwin" ? ["-Wl,-install_name,@rpath/parser.so"] : [];
  const cc = await zigCc(zig, ["-target", zigTarget, ...CFLAGS, ...darwin, ...sources, "-lc", "-o", tmp], pkgDir);
  if (cc.code !== 0)
    return [`${p.id}: zig cc -target ${zigTarget} failed (exit ${cc.code}): ${cc.output.slice(0, 5).join(" | ")}`];
  const bytes = readFileSync(tmp);
  const hash = sha256(bytes);
  const problems = parserProblems(target, symbol, bytes, true).map((m) => `${p.id}: built file ${m}`);
  if (!record && hash !== p.sha256) {
    problems.push(
      `${p.id}: built file has sha256 ${hash}, but packaging/cross/parsers.json pins ${p.sha256 || "nothing"}; if the grammar package or the compiler changed on purpose, test the new file and record it with WEFT_UPDATE_PARSER_HASHES=1 bun run build --target ${target.id}`,
    );
  }
  if (problems.length > 0) {
    rmSync(tmp, { force: true });
    return problems;
  }
  renameSync(tmp, p.path);
  p.sha256 = hash;
  console.log(
    `  built ${p.id} for ${target.id} from ${pkgDir.replace(/^.*node_modules\//, "")}/src (zig cc -target ${zigTarget}): sha256 ${hash}`,
  );
  return [];
}

/**
 * The pinned zig, installed into packaging/cross from its lock file on first use (with the
 * tree-sitter runtime sources build/reader.ts compiles; no install script runs).
 */
/**
 * Runs `zig cc ARGS` in `cwd` with the shared Zig cache in packaging/cross and only PATH and HOME
 * from the environment; its exit code and the lines it printed.
 */
export async function zigCc(zig: string, args: string[], cwd: string): Promise<{ code: number; output: string[] }> {
  const cache = join(CROSS_DIR, ".zig-cache");
  const proc = Bun.spawn([zig, "cc", ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? CROSS_DIR,
      ZIG_GLOBAL_CACHE_DIR: cache,
      ZIG_LOCAL_CACHE_DIR: cache,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, output: (out + err).trim().split("\n") };
}

export function ensureZig(): string {
  if (process.platform !== "linux" || process.arch !== "x64")
    fail(
      `parsers built from source and release builds of the tree reader need a linux-x64 build machine (the pinned compiler is Zig 0.11.0 for linux-x86_64); this is ${process.platform}-${process.arch}`,
    );
  installCrossTools();
  if (!existsSync(ZIG)) fail(`${ZIG} is missing after bun install in ${CROSS_DIR}`);
  return ZIG;
}

/** The tree-sitter runtime's sources (and, on linux-x64, the pinned zig), installed into packaging/cross from its lock file. */
export function installCrossTools(): void {
  const zigHere = process.platform === "linux" && process.arch === "x64";
  if ((zigHere && !existsSync(ZIG)) || !existsSync(join(RUNTIME_DIR, "vendor", "tree-sitter", "lib", "src", "lib.c"))) {
    console.error(`installing the cross compiler and the tree-sitter runtime sources in ${CROSS_DIR}`);
    const proc = Bun.spawnSync([process.execPath, "install", "--frozen-lockfile", "--ignore-scripts"], {
      cwd: CROSS_DIR,
      stdout: "inherit",
      stderr: "inherit",
    });
    if (proc.exitCode !== 0) fail(`bun install in ${CROSS_DIR} failed (exit ${proc.exitCode})`);
  }
}

function fail(message: string): never {
  throw new BuildError(message);
}
