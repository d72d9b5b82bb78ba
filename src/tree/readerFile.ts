import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hostTarget } from "../languages/targets.ts";

/** The tree reader library file for this platform and its expected sha256. */
export type ReaderFile = {
  path: string;
  sha256: string;
  /** What to do when the file is missing or differs from its pin. */ fix?: string;
};

const CROSS = join(import.meta.dir, "..", "..", "packaging", "cross");

/**
 * The tree reader library for this platform. In a compiled binary, build.ts replaces this module
 * with a static `with { type: "file" }` import of the target's library and its pinned sha256; here
 * (running from source) it is the host's library as build/reader.ts builds it (`bun run build`,
 * `bun run weft`), checked against the pin in packaging/cross/reader.json (off linux-x64: the one
 * built with this machine's C compiler, against the sha256 written beside it). Undefined when
 * weft ships no reader for this platform.
 */
export function readerFile(): ReaderFile | undefined {
  const target = hostTarget();
  if (!target) return undefined;
  if (target.id !== "linux-x64") {
    // The pinned Zig runs on linux-x64 only: elsewhere `bun build/reader.ts` builds this machine's
    // library with its own C compiler and writes its sha256 beside it (build/reader.ts buildLocalReader).
    const local = join(CROSS, "out", target.id, "local", target.readerLib);
    const hash = existsSync(`${local}.sha256`) ? readFileSync(`${local}.sha256`, "utf8").trim() : "";
    if (/^[0-9a-f]{64}$/.test(hash))
      return {
        path: local,
        sha256: hash,
        fix: "run `bun build/reader.ts` to build it again with this machine's C compiler",
      };
  }
  const pins = join(CROSS, "reader.json");
  const sha256 = existsSync(pins)
    ? (JSON.parse(readFileSync(pins, "utf8")) as { sha256: Record<string, string | undefined> }).sha256[target.id]
    : undefined;
  if (!sha256) return undefined;
  return {
    path: join(CROSS, "out", target.id, target.readerLib),
    sha256,
    fix: "run `bun run build` (or `bun build/reader.ts`) to build it as pinned in packaging/cross/reader.json",
  };
}
