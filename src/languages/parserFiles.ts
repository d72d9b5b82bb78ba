import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LANGUAGES } from "./table.ts";
import { hostTarget } from "./targets.ts";

/** A parser.so file readable by this process; `sha256` is known ahead when build.ts embedded it. */
export type ParserFile = { path: string; sha256?: string };

/**
 * The parser.so files for this platform, by language id. In a compiled binary, build.ts replaces
 * this module with static `with { type: "file" }` imports of the target's files and their sha256,
 * so the parsers are embedded; here (running from source) they are found in node_modules.
 * Languages declared unavailable on this target are absent.
 */
export function parserFiles(): Record<string, ParserFile> {
  const target = hostTarget();
  if (!target) return {};
  const require = createRequire(import.meta.url);
  const files: Record<string, ParserFile> = {};
  for (const lang of LANGUAGES) {
    if (lang.grammar?.kind !== "package" || lang.grammar.unavailableOn?.includes(target.id)) continue;
    try {
      const root = dirname(require.resolve(`${lang.grammar.pkg}/package.json`));
      files[lang.id] = { path: join(root, "prebuilds", target.prebuild, "parser.so") };
    } catch {
      // Package not installed: the language reports its parser as missing in `weft languages`.
    }
  }
  return files;
}
