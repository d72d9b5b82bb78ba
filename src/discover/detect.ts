import type { DiscoveredFile } from "../model/file.ts";
import { LANGUAGES } from "../languages/table.ts";

type Detected = { language: string; source: DiscoveredFile["languageSource"] };

// Built lazily so that languages other helpers add to the table are always seen.
let tables: { byExt: Map<string, string>; byName: Map<string, string>; byInterpreter: Map<string, string> } | undefined;
function lookup() {
  if (tables) return tables;
  const byExt = new Map<string, string>();
  const byName = new Map<string, string>();
  const byInterpreter = new Map<string, string>();
  for (const lang of LANGUAGES) {
    for (const ext of lang.extensions) if (!byExt.has(ext)) byExt.set(ext, lang.id);
    for (const name of lang.filenames) if (!byName.has(name)) byName.set(name, lang.id);
    for (const interp of lang.shebangs) if (!byInterpreter.has(interp)) byInterpreter.set(interp, lang.id);
  }
  return (tables = { byExt, byName, byInterpreter });
}

/** Every language id a user may name (--lang, --map): the table's ids and "text". */
export function knownLanguageIds(): string[] {
  return ["text", ...LANGUAGES.map((l) => l.id)];
}

/** True when a file name has no extension, so only its content (a shebang) can tell its language. */
export function needsShebang(name: string): boolean {
  return name.indexOf(".", 1) === -1;
}

/**
 * Language of a file from its name (a path's last component): a --map entry (exact name, then extension), a well-known
 * file name, then the longest matching extension. Undefined when the name says nothing.
 */
export function detectByName(path: string, map: Readonly<Record<string, string>> = {}): Detected | undefined {
  const name = basenameOf(path);
  const lower = name.toLowerCase();
  // Extensions, longest compound first: "x.component.html" tries "component.html", then "html".
  // A leading dot is part of the name (".bashrc" has no extension).
  const firstDot = lower.indexOf(".", 1);
  if (!isEmpty(map)) {
    // Own properties only: a file named "toString" or "x.constructor" must not find Object.prototype's.
    const own = (key: string) => (Object.hasOwn(map, key) ? map[key] : undefined);
    let mapped = own(name);
    for (let dot = firstDot; mapped === undefined && dot !== -1; dot = lower.indexOf(".", dot + 1))
      mapped = own(lower.slice(dot + 1));
    if (mapped !== undefined) return { language: mapped, source: "map" };
  }
  const { byExt, byName } = lookup();
  const exact = byName.get(name);
  if (exact) return { language: exact, source: "filename" };
  for (let dot = firstDot; dot !== -1; dot = lower.indexOf(".", dot + 1)) {
    const id = byExt.get(lower.slice(dot + 1));
    if (id) return { language: id, source: "extension" };
  }
  return undefined;
}

function isEmpty(map: Readonly<Record<string, string>>): boolean {
  for (const _ in map) return false;
  return true;
}

/**
 * Language named by a shebang line at the start of `head` (`#!/bin/sh`, `#!/usr/bin/env python3`,
 * `#!/usr/bin/env -S node --flag`, `#!/usr/bin/python3.11`), or undefined.
 */
export function detectByShebang(head: Uint8Array): string | undefined {
  if (head[0] !== 0x23 || head[1] !== 0x21) return undefined; // "#!"
  let end = head.indexOf(0x0a);
  if (end === -1) end = Math.min(head.length, 256);
  const line = new TextDecoder().decode(head.subarray(2, end)).trim();
  const words = line.split(/\s+/);
  let interp = basenameOf(words[0] ?? "");
  if (interp === "env") {
    // Skip env's options (-S, -i, -u NAME) and VAR=value assignments to reach the program.
    let i = 1;
    for (; i < words.length; i++) {
      const w = words[i]!;
      if (w === "-u" || w === "--unset") {
        i++;
        continue;
      }
      if (w.startsWith("-") || w.includes("=")) continue;
      break;
    }
    interp = basenameOf(words[i] ?? "");
  }
  const { byInterpreter } = lookup();
  // python3.11 -> python3 -> python: try the exact name, then with its version stripped.
  for (let name = interp; name;) {
    const id = byInterpreter.get(name);
    if (id) return id;
    const shorter = name.replace(/(\.\d+|\d+)$/, "");
    if (shorter === name) break;
    name = shorter;
  }
  return undefined;
}

function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
