import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DiscoveredFile } from "../model/file.ts";
import { detectByName } from "./detect.ts";

/**
 * FOUNDATION VERSION (issue 4 replaces it with ignore rules, skips and symlink policy):
 * expands files and directories into sorted, indexed DiscoveredFile records.
 */
export function discover(roots: readonly string[]): DiscoveredFile[] {
  const found: { path: string; absPath: string; size: number }[] = [];
  const visit = (path: string) => {
    const abs = resolve(path);
    const st = statSync(abs);
    if (st.isDirectory()) {
      for (const entry of readdirSync(abs)) if (!entry.startsWith(".") && entry !== "node_modules") visit(join(path, entry));
    } else if (st.isFile()) found.push({ path, absPath: abs, size: st.size });
  };
  for (const root of roots) visit(root);
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return found.map((f, index) => {
    const lang = detectByName(f.path);
    return { index, ...f, language: lang?.language ?? "text", languageSource: lang?.source ?? "default" };
  });
}
