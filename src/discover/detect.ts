import { basename } from "node:path";
import type { DiscoveredFile } from "../model/file.ts";
import { LANGUAGES } from "../languages/table.ts";

const BY_EXT = new Map<string, string>();
const BY_NAME = new Map<string, string>();
for (const lang of LANGUAGES) {
  for (const ext of lang.extensions) if (!BY_EXT.has(ext)) BY_EXT.set(ext, lang.id);
  for (const name of lang.filenames) BY_NAME.set(name, lang.id);
}

/** Language of a file by its name alone (exact file name, then the longest matching extension). */
export function detectByName(path: string): { language: string; source: DiscoveredFile["languageSource"] } | undefined {
  const name = basename(path);
  const exact = BY_NAME.get(name);
  if (exact) return { language: exact, source: "filename" };
  const lower = name.toLowerCase();
  // Longest compound extension first: "x.component.html" is Angular before HTML.
  for (let dot = lower.indexOf("."); dot !== -1; dot = lower.indexOf(".", dot + 1)) {
    const id = BY_EXT.get(lower.slice(dot + 1));
    if (id && dot > 0) return { language: id, source: "extension" };
  }
  return undefined;
}
