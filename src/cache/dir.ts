import { accessSync, constants, lstatSync, mkdirSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { describe } from "../discover/walk.ts";
import { WeftError } from "../model/errors.ts";

/**
 * Opens the chunk cache directory `dir` (creating it 0700 when missing) under the parser cache's
 * rules (src/languages/cache.ts), stricter on reading since entries hold source code: it must be a
 * real directory (not a symbolic link), owned by this user, with no access for group or others,
 * and writable. Anything else is refused with a WeftError of code "cache-refused" whose message
 * says why and how to fix it; the caller stops before any work (never a silent run without cache).
 * Returns the directory's real absolute path.
 */
export function openCacheDir(dir: string): string {
  const abs = resolve(dir);
  const refuse = (why: string, fix: string) =>
    new WeftError("cache-refused", `cannot use --cache ${dir}: ${why}; fix: ${fix}`);
  try {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST")
      throw refuse(`cannot create it (${describe(err)})`, "name a directory you can write");
  }
  const st = lstatSync(abs);
  if (st.isSymbolicLink())
    throw refuse("it is a symbolic link (the cache must be a directory of its own)", "name the real directory");
  if (!st.isDirectory()) throw refuse("it is not a directory", "name a directory");
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw refuse(`it is owned by another user (uid ${st.uid}, you are ${uid})`, "name a directory of yours");
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0)
    throw refuse(
      `group or others have access to it (mode ${(st.mode & 0o777).toString(8)}; entries hold your source code)`,
      `chmod 700 ${dir}`,
    );
  try {
    accessSync(abs, constants.W_OK | constants.R_OK | constants.X_OK);
  } catch (err) {
    throw refuse(`it cannot be written (${describe(err)})`, `chmod 700 ${dir}`);
  }
  return realpathSync(abs);
}
