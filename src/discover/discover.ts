import ignore from "ignore";
import type { DiscoveredFile, Discovery, DiscoveryOptions, SkipRecord } from "../model/file.ts";
import { HEAD_BYTES } from "./content.ts";
import { detectByName, needsShebang } from "./detect.ts";
import { inspectFile } from "./inspect.ts";
import { inShard } from "./shard.ts";
import { walkInputs, type GlobFilter } from "./walk.ts";

/**
 * Finds the files a run should chunk: walks the given paths and listed paths with the ignore
 * rules, globs and symlink policy; keeps this run's shard and languages; decides each file's size,
 * language and (with `checkContent`, by reading its first 8 KiB) whether it is chunkable. Files come
 * back sorted by path and indexed in that order; everything left out for a reason (other than an
 * ignore rule, a glob or --lang) is a skip record, sorted by path.
 */
export function discover(opts: DiscoveryOptions): Discovery {
  const entries = walkInputs(opts, globFilter(opts.include, opts.exclude));
  const langs = opts.languages.length > 0 ? new Set(opts.languages) : undefined;
  const byName = (path: string) => detectByName(path, opts.map)?.language ?? "text";
  // The same path reached twice (an input inside another input) is listed once.
  const seen = opts.paths.length + opts.listed.length > 1 ? new Set<string>() : undefined;
  const found: Omit<DiscoveredFile, "index">[] = [];
  const skipped: SkipRecord[] = [];
  const buffer = new Uint8Array(HEAD_BYTES);
  for (const entry of entries) {
    if (seen) {
      if (seen.has(entry.path)) continue;
      seen.add(entry.path);
    }
    if (!inShard(entry.path, opts.shard)) continue;
    if (entry.skip) {
      // A file that is never opened has the language its name gives.
      if (langs && !langs.has(byName(entry.path))) continue;
      skipped.push({ path: entry.path, reason: entry.skip.reason, detail: entry.skip.detail });
      continue;
    }
    // Skip the open when the name alone already fails --lang (a shebang cannot change a known language).
    if (langs && !needsShebang(entry.path) && !langs.has(byName(entry.path))) continue;
    const result = inspectFile(entry, opts, buffer);
    const language = result.kind === "file" ? result.file.language : result.language;
    if (langs && !langs.has(language)) continue;
    if (result.kind === "file") found.push(result.file);
    else skipped.push({ path: entry.path, reason: result.reason, detail: result.detail });
  }
  found.sort(byPath);
  skipped.sort(byPath);
  return { files: found.map((f, index) => ({ index, ...f })), skipped };
}

/** Discovery's order: by path, as JavaScript strings (UTF-16 code units). */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** --include / --exclude as gitignore-style globs; a directory matching an --exclude glob is not entered. */
function globFilter(include: readonly string[], exclude: readonly string[]): GlobFilter | undefined {
  if (include.length === 0 && exclude.length === 0) return undefined;
  const inc = include.length > 0 ? ignore({ ignorecase: false }).add(include) : undefined;
  const exc = exclude.length > 0 ? ignore({ ignorecase: false }).add(exclude) : undefined;
  const ok = (p: string) => p !== "" && ignore.isPathValid(p);
  return {
    keepFile: (p) => (!inc || (ok(p) && inc.ignores(p))) && !(exc && ok(p) && exc.ignores(p)),
    keepDir: (p) => !(exc && ok(p) && exc.ignores(`${p}/`)),
  };
}
