// node:fs calls that return names, made to keep every name exact: Bun decodes the names it returns
// as UTF-8 and replaces each byte that is not with U+FFFD, so such a name would open nothing (and two
// of them would collide). Each call asks again for the bytes only when a U+FFFD shows up.
import { lstatSync, readdirSync, realpathSync, type Dirent, type Stats } from "node:fs";
import { decodePath, fsPath } from "./pathBytes.ts";

/** The real path, with any name in it that is not valid UTF-8 kept exactly (see pathBytes.ts). */
export function realPath(p: string): string {
  const real = realpathSync(fsPath(p));
  // Bun decodes the result lossily; ask again for the bytes only when something was replaced.
  return real.includes("\ufffd") ? decodePath(realpathSync(fsPath(p), { encoding: "buffer" })) : real;
}

/** A directory entry: its name and type. */
export type DirEntry = Pick<
  Dirent,
  "name" | "isDirectory" | "isFile" | "isSymbolicLink" | "isFIFO" | "isSocket" | "isBlockDevice" | "isCharacterDevice"
>;

/**
 * The entries of a directory. Bun decodes names lossily (a byte that is not UTF-8 becomes U+FFFD,
 * so the name opens nothing and two such names collide); when a name holds U+FFFD the names are
 * read again as bytes, and those holding U+FFFD or a raw byte take their type from lstat (Bun 1.4.4
 * returns bare names, without types, for withFileTypes with encoding "buffer"). A name gone since
 * readdir is left out.
 */
export function readDir(abs: string): DirEntry[] {
  const entries = readdirSync(fsPath(abs), { withFileTypes: true });
  if (!entries.some((e) => e.name.includes("\ufffd"))) return entries;
  const typed = new Map(entries.map((e) => [e.name, e]));
  const out: DirEntry[] = [];
  for (const raw of readdirSync(fsPath(abs), { encoding: "buffer" })) {
    const name = decodePath(raw);
    const known = typed.get(name);
    if (known && !name.includes("\ufffd")) {
      out.push(known);
      continue;
    }
    let st: Stats;
    try {
      st = lstatSync(fsPath(`${abs}/${name}`));
    } catch {
      continue;
    }
    out.push({
      name,
      isDirectory: () => st.isDirectory(),
      isFile: () => st.isFile(),
      isSymbolicLink: () => st.isSymbolicLink(),
      isFIFO: () => st.isFIFO(),
      isSocket: () => st.isSocket(),
      isBlockDevice: () => st.isBlockDevice(),
      isCharacterDevice: () => st.isCharacterDevice(),
    });
  }
  return out;
}

/** The current directory, with any name in it that is not valid UTF-8 kept exactly (process.cwd() replaces it with U+FFFD). */
export function currentDirectory(): string {
  const cwd = process.cwd();
  return cwd.includes("\ufffd") ? decodePath(realpathSync(".", { encoding: "buffer" })) : cwd;
}
