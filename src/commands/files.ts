import { ownDirs } from "./ownDirs.ts";
import { readListed } from "./readListed.ts";
import { discover } from "../discover/discover.ts";
import { quotePath } from "../discover/pathBytes.ts";
import { skipRecordsJsonl } from "../discover/skipLog.ts";
import type { Discovery } from "../model/file.ts";
import { countByReason } from "../output/summary.ts";
import type { FilesArgs } from "./commandOptions.ts";
import type { Outcome } from "./exitCodes.ts";

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

/** `weft files`: lists what discovery finds (or skips), and counts the skips on stderr. */
export async function files(opts: FilesArgs): Promise<Outcome> {
  const listed = await readListed(opts.discovery, opts.stdin);
  const found = discover({ ...listed, leaveOut: ownDirs(listed) });
  process.stdout.write(formatFiles(found, opts.skipped, opts.json));
  if (!opts.skipped && found.skipped.length > 0) {
    process.stderr.write(
      `weft: ${found.files.length} files; ${found.skipped.length} skipped (${countByReason(found.skipped)}); see --skipped\n`,
    );
  }
  return {};
}
