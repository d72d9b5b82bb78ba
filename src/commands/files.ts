import { defineCommand } from "citty";
import { discoveryArgs, discoveryOptionsFromArgs } from "../discover/args.ts";
import { discover } from "../discover/discover.ts";
import { quotePath } from "../discover/pathBytes.ts";
import { skipRecordsJsonl } from "../discover/skipLog.ts";
import type { Discovery } from "../model/file.ts";
import { countByReason } from "../output/summary.ts";
import { EXIT } from "./exitCodes.ts";

/**
 * The text `weft files` prints: one tab-separated line per file (or per skip with `skipped`), paths
 * quoted as git quotes them (quotePath) so every record is one line; or JSON Lines, where a path
 * that is not UTF-8 keeps its bytes as \udcXX escapes.
 */
export function formatFiles(found: Discovery, skipped: boolean, json: boolean): string {
  let out = "";
  if (skipped) {
    if (json) return skipRecordsJsonl(found.skipped);
    for (const s of found.skipped) out += `${quotePath(s.path)}\t${s.reason}\t${s.detail}\n`;
    return out;
  }
  for (const f of found.files) {
    out += json
      ? `${JSON.stringify({ index: f.index, path: f.path, language: f.language, languageSource: f.languageSource, size: f.size })}\n`
      : `${quotePath(f.path)}\t${f.language}\t${f.size}\n`;
  }
  return out;
}

export default defineCommand({
  meta: {
    name: "files",
    description:
      "List the files `weft chunk` would chunk (path, language, size), or with --skipped what it would skip and why",
  },
  args: {
    ...discoveryArgs,
    skipped: { type: "boolean", description: "List skipped files with the reason instead" },
    json: { type: "boolean", description: "Print JSON Lines instead of tab-separated text" },
  },
  async run({ args, rawArgs }) {
    const found = discover(await discoveryOptionsFromArgs(args, rawArgs));
    process.stdout.write(formatFiles(found, args.skipped === true, args.json === true));
    if (!args.skipped && found.skipped.length > 0) {
      process.stderr.write(
        `weft: ${found.files.length} files; ${found.skipped.length} skipped (${countByReason(found.skipped)}); see --skipped\n`,
      );
    }
    process.exitCode = EXIT.ok;
  },
});
