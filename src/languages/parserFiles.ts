import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LANGUAGES } from "./table.ts";

const PLATFORM: Record<string, string> = { linux: "Linux", darwin: "macOS", win32: "Windows" };
const ARCH: Record<string, string> = { x64: "X64", arm64: "ARM64" };

/**
 * Readable paths of the parser.so files for this platform, by language id. In a compiled binary
 * build.ts replaces this module with static `with { type: "file" }` imports of the target's files,
 * so the parsers are embedded; here (running from source) they are found in node_modules.
 */
export function parserFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const folder = `prebuild-${PLATFORM[process.platform]}-${ARCH[process.arch]}`;
  const files: Record<string, string> = {};
  for (const lang of LANGUAGES) {
    if (lang.grammar?.kind !== "package") continue;
    try {
      const root = dirname(require.resolve(`${lang.grammar.pkg}/package.json`));
      files[lang.id] = join(root, "prebuilds", folder, "parser.so");
    } catch {
      // Package not installed: the language reports "no parser" in `weft languages`.
    }
  }
  return files;
}
