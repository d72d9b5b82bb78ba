// Which package holds this machine's weft binary, and where the binary is. Shared by the launcher
// (bin/weft.js) and the API (lib/index.js) of the npm package; runs on Node >= 18 and on Bun.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The npm package of weft itself; each platform package is `<MAIN_PACKAGE>-<platform>-<arch>`. */
export const MAIN_PACKAGE = "weft-chunker";

/** The platforms with a package, as process.platform-process.arch. */
export const PLATFORMS = ["linux-x64", "linux-arm64", "darwin-arm64", "darwin-x64", "win32-x64"] as const;

/** The platform package this machine needs, or undefined when weft has none for it. */
export function platformPackage(platform: string = process.platform, arch: string = process.arch): string | undefined {
  const id = `${platform}-${arch}`;
  return (PLATFORMS as readonly string[]).includes(id) ? `${MAIN_PACKAGE}-${id}` : undefined;
}

/** Why no binary could be found: one line for the user. */
export class BinaryNotFoundError extends Error {
  override name = "BinaryNotFoundError";
}

/**
 * The path of the weft binary: WEFT_BINARY when set, else the one in this machine's platform package
 * (an optional dependency of the main package, so npm installs only the matching one).
 */
export function binaryPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const override = env.WEFT_BINARY;
  if (override) {
    if (!existsSync(override)) throw new BinaryNotFoundError(`WEFT_BINARY is ${override}, which does not exist`);
    return override;
  }
  const pkg = platformPackage();
  if (!pkg)
    throw new BinaryNotFoundError(
      `weft has no binary for ${process.platform}-${process.arch} (packages exist for ${PLATFORMS.join(", ")})`,
    );
  const exe = process.platform === "win32" ? "weft.exe" : "weft";
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    const musl =
      process.platform === "linux" && isMusl() ? " (the linux packages need glibc; this looks like musl)" : "";
    throw new BinaryNotFoundError(
      `${pkg} is not installed${musl}: reinstall ${MAIN_PACKAGE} without --no-optional / --omit=optional, or set WEFT_BINARY`,
    );
  }
  const bin = join(dir, "bin", exe);
  if (!existsSync(bin)) throw new BinaryNotFoundError(`${pkg} is installed but has no bin/${exe}`);
  return bin;
}

function isMusl(): boolean {
  // process.report names the C library a Node binary was built against; Bun has no report.
  const report = (process.report?.getReport?.() ?? {}) as { header?: { glibcVersionRuntime?: string } };
  return process.report !== undefined && !report.header?.glibcVersionRuntime;
}
