// Stages weft's npm packages, the esbuild/Biome way: a main package (weft-chunker) with a small
// launcher (bin/weft.js), the typed API (lib/) and one optional dependency per platform, and one
// package per platform holding that platform's binary (`os`/`cpu` fields, so npm installs only the
// matching one). No package has an install script.
//   bun build/npm.ts --host            dist/weft as this machine's platform package (after `bun run build`)
//   bun build/npm.ts --release         every dist/weft-<target>[.exe] (after `bun run build --all`)
//   bun build/npm.ts --types           rewrites packaging/npm/src/records.ts from the JSON Schemas
//   --out DIR                          where the package folders go (default dist/npm)
//   --pack [--gzip-level N]            also writes each package's npm tarball (see packNpm)
//   --repository OWNER/NAME            package.json's repository (npm's provenance check needs it)
// Prints each staged package folder (with --pack its tarball), main package first; `npm publish`
// takes either.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { MAIN_PACKAGE } from "../packaging/npm/src/platform.ts";
import { hostTarget, TARGETS, type Target } from "../src/languages/targets.ts";
import { tarGz, type ArchiveEntry } from "./archive.ts";
import { BuildError } from "./error.ts";
import { recordsModule } from "./jsonSchemaTypes.ts";

const ROOT = resolve(import.meta.dir, "..");
const SRC = join(ROOT, "packaging", "npm", "src");
const NOTICES = join(ROOT, "dist", "THIRD-PARTY-NOTICES.txt");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  description: string;
  license: string;
};

/** The npm package of a target: `weft-chunker-<process.platform>-<process.arch>`. */
export function platformPackageOf(t: Target): string {
  return `${MAIN_PACKAGE}-${t.platform}-${t.arch}`;
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** LICENSE and THIRD-PARTY-NOTICES.txt, which every package carries. */
function copyLegal(dir: string): void {
  if (!existsSync(NOTICES)) throw new BuildError(`${NOTICES} is missing: run \`bun run build\` first`);
  copyFileSync(join(ROOT, "LICENSE"), join(dir, "LICENSE"));
  copyFileSync(NOTICES, join(dir, "THIRD-PARTY-NOTICES.txt"));
}

/** One platform package: the binary as bin/weft (bin/weft.exe), mode 755. */
function stagePlatform(out: string, target: Target, binary: string): string {
  const name = platformPackageOf(target);
  const dir = join(out, name);
  const exe = target.platform === "win32" ? "weft.exe" : "weft";
  mkdirSync(join(dir, "bin"), { recursive: true });
  copyFileSync(binary, join(dir, "bin", exe));
  chmodSync(join(dir, "bin", exe), 0o755);
  copyLegal(dir);
  writeFileSync(
    join(dir, "README.md"),
    `# ${name}\n\nThe weft binary for ${target.platform}-${target.arch}. Install [${MAIN_PACKAGE}](https://www.npmjs.com/package/${MAIN_PACKAGE}) instead: it depends on this package and runs its binary.\n`,
  );
  writeJson(join(dir, "package.json"), {
    name,
    version: manifest.version,
    description: `The weft binary for ${target.platform}-${target.arch} (installed by ${MAIN_PACKAGE})`,
    license: manifest.license,
    os: [target.platform],
    cpu: [target.arch],
    // The linux binaries need glibc; npm skips this package on musl and the launcher says why.
    ...(target.platform === "linux" ? { libc: ["glibc"] } : {}),
    files: [`bin/${exe}`, "LICENSE", "THIRD-PARTY-NOTICES.txt", "README.md"],
    preferUnplugged: true,
  });
  return dir;
}

/** Builds the launcher and the API for Node >= 18 (ESM), and the API's .d.ts with tsc. */
async function stageMain(out: string): Promise<string> {
  const dir = join(out, MAIN_PACKAGE);
  mkdirSync(dir, { recursive: true });
  for (const [entry, outdir] of [
    ["launcher.ts", "bin"],
    ["index.ts", "lib"],
  ] as const) {
    const result = await Bun.build({
      entrypoints: [join(SRC, entry)],
      outdir: join(dir, outdir),
      target: "node",
      format: "esm",
      naming: entry === "launcher.ts" ? "weft.js" : "index.js",
      banner: entry === "launcher.ts" ? "#!/usr/bin/env node" : "",
    });
    if (!result.success) throw new BuildError(`npm: bundling ${entry} failed:\n${result.logs.map(String).join("\n")}`);
  }
  chmodSync(join(dir, "bin", "weft.js"), 0o755);
  const tsc = Bun.spawnSync(
    [
      join(ROOT, "node_modules", ".bin", "tsc"),
      "--ignoreConfig",
      "--declaration",
      "--emitDeclarationOnly",
      "--strict",
      "--skipLibCheck",
      "--target",
      "es2022",
      "--module",
      "nodenext",
      "--types",
      "node",
      "--typeRoots",
      join(ROOT, "node_modules", "@types"),
      "--outDir",
      join(dir, "lib"),
      join(SRC, "index.ts"),
    ],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
  if (tsc.exitCode !== 0)
    throw new BuildError(`npm: tsc (declarations) failed:\n${tsc.stdout.toString()}${tsc.stderr.toString()}`);
  rmSync(join(dir, "lib", "launcher.d.ts"), { force: true });
  copyLegal(dir);
  copyFileSync(join(ROOT, "packaging", "npm", "README.md"), join(dir, "README.md"));
  writeJson(join(dir, "package.json"), {
    name: MAIN_PACKAGE,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    keywords: ["chunking", "embeddings", "retrieval", "rag", "tree-sitter", "code"],
    type: "module",
    bin: { weft: "bin/weft.js" },
    exports: { ".": { types: "./lib/index.d.ts", default: "./lib/index.js" }, "./package.json": "./package.json" },
    types: "./lib/index.d.ts",
    engines: { node: ">=18" },
    files: ["bin/weft.js", "lib/", "LICENSE", "THIRD-PARTY-NOTICES.txt", "README.md"],
    // Every platform, always: npm installs the one whose os/cpu match and skips the others.
    optionalDependencies: Object.fromEntries(TARGETS.map((t) => [platformPackageOf(t), manifest.version])),
  });
  return dir;
}

/**
 * Stages the main package and the platform packages of `binaries` (target -> binary file) in
 * `out`, emptied first. Returns the package folders, main package first.
 */
export async function stageNpm(
  out: string,
  binaries: ReadonlyMap<Target, string>,
  repository?: string,
): Promise<string[]> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const dirs = [await stageMain(out)];
  for (const [target, binary] of binaries) {
    if (!existsSync(binary)) throw new BuildError(`${binary} is missing`);
    dirs.push(stagePlatform(out, target, binary));
  }
  // npm checks a provenance statement against package.json's repository, so the release names it.
  if (repository)
    for (const dir of dirs) {
      const file = join(dir, "package.json");
      const pkg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      writeJson(file, { ...pkg, repository: { type: "git", url: `git+https://github.com/${repository}.git` } });
    }
  return dirs;
}

/** npm's fixed time for tarball entries (1985-10-26), so a package's bytes depend only on its files. */
const NPM_MTIME = 499162500;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/**
 * The npm tarball of a staged package (`package/...` entries, as `npm pack` makes them), written
 * beside the folder as <name>-<version>.tgz. Written here because `npm pack` took 38 s for a
 * platform package (164 MB binary) against 2.2 s here at gzip level 1 and 10 s at level 6; the
 * release uses level 9 (smallest download), the registry test level 1.
 */
export function packNpm(dir: string, level: number): string {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string };
  const entries: ArchiveEntry[] = filesUnder(dir).map((file) => ({
    name: `package/${relative(dir, file).split("\\").join("/")}`,
    bytes: readFileSync(file),
    mode: statSync(file).mode & 0o111 ? 0o755 : 0o644,
  }));
  const out = `${dir}-${pkg.version}.tgz`;
  writeFileSync(out, tarGz(entries, NPM_MTIME, level));
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: "boolean" },
      release: { type: "boolean" },
      types: { type: "boolean" },
      out: { type: "string" },
      pack: { type: "boolean" },
      "gzip-level": { type: "string", default: "9" },
      repository: { type: "string" },
    },
    strict: true,
  });
  if (values.types) {
    writeFileSync(join(SRC, "records.ts"), recordsModule());
    console.log("wrote packaging/npm/src/records.ts");
    return;
  }
  if (values.host === values.release) throw new BuildError("give one of --host, --release (or --types)");
  const binaries = new Map<Target, string>();
  if (values.host) {
    const host = hostTarget() ?? fail(`${process.platform}-${process.arch} is not a weft target`);
    binaries.set(host, join(ROOT, "dist", host.platform === "win32" ? "weft.exe" : "weft"));
  } else {
    for (const t of TARGETS) binaries.set(t, join(ROOT, "dist", `weft-${t.id}${t.platform === "win32" ? ".exe" : ""}`));
  }
  const repo = values.repository;
  if (repo !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repo))
    throw new BuildError(`--repository takes OWNER/NAME, got "${repo}"`);
  const dirs = await stageNpm(resolve(values.out ?? join(ROOT, "dist", "npm")), binaries, repo);
  const level = Number(values["gzip-level"]);
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new BuildError("--gzip-level takes 1 to 9");
  for (const d of dirs) console.log(values.pack ? packNpm(d, level) : d);
}

function fail(message: string): never {
  throw new BuildError(message);
}

if (import.meta.main) {
  try {
    await main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(`npm: ${err.message}`);
    process.exit(1);
  }
}
