// Builds weft's tree reader (src/tree/reader.c linked with the tree-sitter runtime's C sources from
// the npm `tree-sitter` package pinned in packaging/cross/bun.lock) for a release target with the
// pinned Zig (packaging/cross). Every target's output must have the sha256 recorded in
// packaging/cross/reader.json, so every machine builds and embeds the bytes that were tested.
//   bun build/reader.ts                 this machine's library (what `bun src/cli.ts` and `bun test` load)
//   bun build/reader.ts --target <id>   (repeatable), or --all
// WEFT_UPDATE_READER_HASHES=1 records the hashes instead of checking them (after reader.c, the
// runtime or the compiler changed on purpose, and the new files were tested).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { sha256 } from "../src/languages/cache.ts";
import { hostTarget, TARGET_IDS, TARGETS, targetById, type Target, type TargetId } from "../src/languages/targets.ts";
import { CROSS_DIR, ensureZig, installCrossTools, parserProblems, RUNTIME_DIR, zigCc } from "./crossParsers.ts";
import { BuildError } from "./error.ts";

export const READER_PINS_FILE = join(CROSS_DIR, "reader.json");
const READER_SOURCE = join(import.meta.dir, "..", "src", "tree", "reader.c");

/** zig's target per release target: glibc 2.17 and macOS 11, as for the parsers. */
export const READER_ZIG_TARGETS: Record<TargetId, string> = {
  "linux-x64": "x86_64-linux-gnu.2.17",
  "linux-arm64": "aarch64-linux-gnu.2.17",
  "darwin-arm64": "aarch64-macos.11.0",
  "darwin-x64": "x86_64-macos.11.0",
  "windows-x64": "x86_64-windows-gnu",
};

/**
 * What the reader may link besides the C library: `sigaction` (wr_watch_signals), which zig's
 * glibc 2.17 stubs resolve to libpthread. Every glibc system has libpthread.so.0, and Bun itself
 * links it, so nothing new is loaded.
 */
const READER_ALSO_LINKS = ["libpthread.so.0"];

/** The functions parseTree.ts calls; each must be exported. */
export const READER_EXPORTS = [
  "wr_version",
  "wr_runtime_name",
  "wr_runtime_abi",
  "wr_language_abi",
  "wr_new",
  "wr_free",
  "wr_names",
  "wr_parse",
  "wr_redump",
  "wr_watch_signals",
  "wr_pending_signal",
] as const;

/** The pinned sha256 of each target's reader, and the runtime version they were built from. */
export type ReaderPins = { runtime: string; sha256: Partial<Record<TargetId, string>> };

export function readReaderPins(file: string = READER_PINS_FILE): ReaderPins {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ReaderPins) : { runtime: "", sha256: {} };
}

/** Where the reader for `target` is built (the from-source run loads the host's from here). */
export function readerPath(target: Target): string {
  return join(CROSS_DIR, "out", target.id, target.readerLib);
}

/** The runtime's name as baked into the library, from the installed package: "tree-sitter 0.25.1". */
function runtimeName(): string {
  const { name, version } = JSON.parse(readFileSync(join(RUNTIME_DIR, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  return `${name} ${version}`;
}

/**
 * Makes the target's reader: reuses a built file whose sha256 is the pinned one, else compiles it
 * and checks it (format, CPU, exports, only the C library linked, and the pin). Returns its path
 * and sha256. With `record`, the hash is written to reader.json instead of compared.
 */
export async function buildReader(
  target: Target,
  record = false,
  pins: ReaderPins = readReaderPins(),
  path: string = readerPath(target),
): Promise<{ path: string; sha256: string }> {
  const pin = pins.sha256[target.id];
  if (!record && pin && existsSync(path) && sha256(readFileSync(path)) === pin) return { path, sha256: pin };
  if (!record && !pin)
    fail(
      `${target.id}: no sha256 pinned for the tree reader in packaging/cross/reader.json; build and test it, then record it with WEFT_UPDATE_READER_HASHES=1 bun build/reader.ts --target ${target.id}`,
    );
  const zig = ensureZig();
  const runtime = runtimeName();
  if (!record && pins.runtime && pins.runtime !== runtime)
    fail(
      `packaging/cross/reader.json pins readers built with ${pins.runtime}, but packaging/cross has ${runtime} installed; run bun install --frozen-lockfile in packaging/cross`,
    );
  const tmp = join(dirname(path), `.reader-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    // Relative paths from packaging/cross, so no checkout's absolute path can reach the output
    // (assert() keeps __FILE__ strings of the runtime's sources).
    const lib = runtimeLib();
    const darwin = target.platform === "darwin" ? [`-Wl,-install_name,@rpath/${target.readerLib}`] : [];
    const cc = await zigCc(
      zig,
      [
        "-target",
        READER_ZIG_TARGETS[target.id],
        ...readerFlags(runtime, lib),
        ...darwin,
        relative(CROSS_DIR, READER_SOURCE),
        `${lib}/src/lib.c`,
        "-lc",
        "-o",
        relative(CROSS_DIR, join(tmp, target.readerLib)),
      ],
      CROSS_DIR,
    );
    if (cc.code !== 0)
      fail(
        `${target.id}: tree reader: zig cc -target ${READER_ZIG_TARGETS[target.id]} failed (exit ${cc.code}): ${cc.output.slice(0, 8).join(" | ")}`,
      );
    const bytes = readFileSync(join(tmp, target.readerLib));
    if (target.platform === "win32") {
      // The linker writes the link time into a PE file's header (Zig 0.11's cc has no flag to stop
      // it): zero it, so every build gives the same bytes.
      clearPeTimestamp(bytes);
      writeFileSync(join(tmp, target.readerLib), bytes);
    }
    const hash = sha256(bytes);
    const problems = READER_EXPORTS.flatMap((name, i) =>
      parserProblems(target, name, bytes, true, READER_ALSO_LINKS).filter(
        (m) => i === 0 || m.startsWith("does not export"),
      ),
    );
    if (!record && hash !== pin)
      problems.push(
        `built file has sha256 ${hash}, but packaging/cross/reader.json pins ${pin}; if reader.c, the runtime or the compiler changed on purpose, test the new file and record it with WEFT_UPDATE_READER_HASHES=1 bun build/reader.ts --target ${target.id}`,
      );
    if (problems.length > 0) fail(`${target.id}: tree reader:\n  ${problems.join("\n  ")}`);
    renameSync(join(tmp, target.readerLib), path);
    console.error(
      `  built the tree reader for ${target.id} (${runtime}, zig cc -target ${READER_ZIG_TARGETS[target.id]}): sha256 ${hash}`,
    );
    if (record) recordPin(target.id, hash, runtime);
    return { path, sha256: hash };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function recordPin(id: TargetId, hash: string, runtime: string): void {
  const pins = readReaderPins();
  const sha = { ...pins.sha256, [id]: hash };
  const sorted = Object.fromEntries(Object.entries(sha).sort());
  writeFileSync(
    READER_PINS_FILE,
    `${JSON.stringify({ comment: "sha256 of weft's tree reader (src/tree/reader.c + the tree-sitter runtime) per target, as build/reader.ts compiles it; refresh with WEFT_UPDATE_READER_HASHES=1", runtime, sha256: sorted }, null, 2)}\n`,
  );
  console.error(`recorded the ${id} tree reader's sha256 in ${READER_PINS_FILE}`);
}

/** Zeroes the COFF header's TimeDateStamp of a PE file (informational; Windows does not use it to load a DLL). */
export function clearPeTimestamp(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pe = bytes.length >= 64 && view.getUint16(0, false) === 0x4d5a ? view.getUint32(0x3c, true) : -1;
  if (pe < 0 || pe + 12 > bytes.length || view.getUint32(pe, false) !== 0x50450000) fail("not a PE file");
  view.setUint32(pe + 8, 0, true);
}

/** Compiler flags of every reader build; `lib` is the runtime's lib directory, relative to packaging/cross. */
function readerFlags(runtime: string, lib: string): string[] {
  return [
    "-shared",
    "-fPIC",
    "-O2",
    "-g0",
    "-s",
    "-fno-sanitize=undefined",
    "-std=c11",
    // The runtime's functions stay private to the library: no other copy in the process (the
    // napi addon links its own) can interpose on them, and they are not part of the interface.
    "-fvisibility=hidden",
    "-DTREE_SITTER_HIDE_SYMBOLS",
    "-DTREE_SITTER_HIDDEN_SYMBOLS",
    "-D_POSIX_C_SOURCE=200112L",
    "-D_DEFAULT_SOURCE",
    `-DWR_RUNTIME="${runtime}"`,
    `-I${lib}/include`,
    `-I${lib}/src`,
  ];
}

/** The runtime's lib directory, relative to packaging/cross (compiles run there). */
function runtimeLib(): string {
  return relative(CROSS_DIR, join(RUNTIME_DIR, "vendor", "tree-sitter", "lib"));
}

/** Where a reader built with this machine's own C compiler goes (from-source runs off linux-x64). */
export function localReaderPath(target: Target): string {
  return join(CROSS_DIR, "out", target.id, "local", target.readerLib);
}

/**
 * Builds this machine's reader with its own C compiler (cc), for running weft from source on a
 * machine where the pinned Zig cannot run (it is a linux-x86_64 program). Such a library cannot
 * have the pinned bytes: its sha256 is written beside it (`<file>.sha256`), and weft from source
 * checks and loads it like a pinned one. Release binaries are built on linux-x64 only.
 */
export async function buildLocalReader(target: Target, path: string = localReaderPath(target)): Promise<string> {
  installCrossTools();
  const cc = Bun.which("cc") ?? Bun.which("clang") ?? Bun.which("gcc");
  if (!cc) fail(`no C compiler (cc, clang or gcc) to build the tree reader on ${process.platform}-${process.arch}`);
  const runtime = runtimeName();
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const darwin = target.platform === "darwin" ? [`-Wl,-install_name,@rpath/${target.readerLib}`] : [];
  const lib = runtimeLib();
  const proc = Bun.spawnSync(
    [
      cc,
      ...readerFlags(runtime, lib).filter((f) => f !== "-s"),
      ...darwin,
      READER_SOURCE,
      `${lib}/src/lib.c`,
      "-o",
      tmp,
    ],
    { cwd: CROSS_DIR, stdout: "pipe", stderr: "pipe" },
  );
  if (proc.exitCode !== 0)
    fail(
      `tree reader: ${cc} failed (exit ${proc.exitCode}): ${proc.stderr.toString().trim().split("\n").slice(0, 8).join(" | ")}`,
    );
  const hash = sha256(readFileSync(tmp));
  renameSync(tmp, path);
  writeFileSync(`${path}.sha256`, `${hash}\n`);
  console.error(`  built the tree reader for running from source with ${cc} (${runtime}; not pinned): sha256 ${hash}`);
  return path;
}

/** Builds the local reader unless the one there still has the sha256 written beside it; returns it. */
export async function ensureLocalReader(target: Target): Promise<{ path: string; sha256: string }> {
  const path = localReaderPath(target);
  const written = existsSync(`${path}.sha256`) ? readFileSync(`${path}.sha256`, "utf8").trim() : "";
  if (!existsSync(path) || sha256(readFileSync(path)) !== written) await buildLocalReader(target, path);
  return { path, sha256: readFileSync(`${path}.sha256`, "utf8").trim() };
}

function fail(message: string): never {
  throw new BuildError(message);
}

if (import.meta.main) {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: { target: { type: "string", multiple: true }, all: { type: "boolean" } },
      strict: true,
    });
    const targets = values.all
      ? [...TARGETS]
      : values.target?.length
        ? values.target.map((id) => targetById(id) ?? fail(`unknown target "${id}"; known: ${TARGET_IDS.join(", ")}`))
        : [hostTarget() ?? fail(`this machine (${process.platform}-${process.arch}) is not a weft target`)];
    const zigRuns = process.platform === "linux" && process.arch === "x64";
    // Off linux-x64, this machine's library for running from source comes from its own compiler.
    if (!zigRuns && !values.all && !values.target?.length) await ensureLocalReader(targets[0]!);
    else for (const t of targets) await buildReader(t, process.env.WEFT_UPDATE_READER_HASHES === "1");
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  }
}
