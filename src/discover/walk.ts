import { lstatSync, statSync, type Stats } from "node:fs";
import type { DiscoveryOptions, SkipReason } from "../model/file.ts";
import { readDir, realPath, type DirEntry } from "./fsNames.ts";
import { EMPTY_SCOPE, enterDirectory, IGNORE_FILES, isIgnored, type IgnoreScope } from "./ignoreRules.ts";
import { fsPath, quotePath } from "./pathBytes.ts";
import { basename, dirname, isAbsolute, normalize, resolve } from "./pathOps.ts";

/** Something the walk found: a file to inspect, or an entry already known to be skipped. */
export type Entry = {
  /** The path as shown to the user. */
  path: string;
  /** Absolute path to open, with no symbolic link on it (a followed link's real target): readers refuse links anywhere on it. */
  abs: string;
  /** Size in bytes, when the walk had to stat the entry anyway. */
  size?: number;
  /** Set when the entry is skipped without being opened. */
  skip?: { reason: SkipReason; detail: string };
};

/** Decides whether a path the user's globs leave in (checked before anything is recorded). */
export type GlobFilter = { keepFile(globPath: string): boolean; keepDir(globPath: string): boolean };

/** A directory waiting to be read. */
type Pending = {
  abs: string;
  /** Path relative to the walk root ("" for the root): what globs fall back to outside the current directory. */
  rel: string;
  /** Path as shown ("" for the current directory). */
  display: string;
  /** Path relative to the top of the ignore scope ("" at the top). */
  scopeRel: string;
  scope: IgnoreScope;
  /** dev:ino of this directory and its ancestors, kept only with --follow to catch loops. */
  chain: Chain | undefined;
};
type Chain = { key: string; parent: Chain | undefined };

type Skip = { reason: SkipReason; detail: string };

/** The walk's fixed inputs, and what it learns about the directories of listed paths. */
type Walk = {
  opts: DiscoveryOptions;
  filter: GlobFilter | undefined;
  containment: string[];
  out: Entry[];
  /** The current directory's real path and the dev:ino of it and its ancestors (listed paths only). */
  here?: { real: string; keys: Set<string> };
  /** Each directory of a listed path already passed, by its prefix of the path as given. */
  passed: Map<string, Passed>;
  /** opts.leaveOut as a set (the walk's paths are real, so a string compare finds them). */
  leaveOut: ReadonlySet<string>;
};

/** A directory on the way to a listed path: passed (with its real path when a link led there), or the skip. */
type Passed = { real: string | undefined } | { skip: Skip };

/**
 * Expands the command-line paths and the listed paths into entries, applying the ignore rules,
 * hidden-file rule, globs and symlink policy. Regular files are found from readdir's entry types
 * alone: nothing is opened or stat'ed per file here.
 */
export function walkInputs(opts: DiscoveryOptions, filter: GlobFilter | undefined): Entry[] {
  const containment = containmentRoots(opts);
  const walk: Walk = { opts, filter, containment, out: [], passed: new Map(), leaveOut: new Set(opts.leaveOut) };
  for (const p of opts.paths) visitInput(walk, p, true);
  for (const p of opts.listed) if (p !== "") visitInput(walk, p, false);
  return walk.out;
}

/** Real paths a followed symlink may lead into: each directory named on the command line, and the current directory for listed paths. */
function containmentRoots(opts: DiscoveryOptions): string[] {
  const roots: string[] = [];
  const add = (p: string) => {
    try {
      const real = realPath(resolve(opts.cwd, p));
      if (statSync(fsPath(real)).isDirectory()) roots.push(real);
    } catch {
      /* reported when the path itself is visited */
    }
  };
  for (const p of opts.paths) add(p);
  if (opts.listed.length > 0) add(".");
  return roots;
}

/** The display form of a path given by the user: normalized, without "./", no trailing slash; "" for the current directory. */
export function displayOf(p: string): string {
  let n = normalize(p);
  if (n.length > 1 && n.endsWith("/")) n = n.slice(0, -1);
  return n === "." ? "" : n;
}

/** Globs match the displayed path when it is relative and inside the current directory, else the path below its root. */
function globPathOf(display: string, fallback: string): string {
  return display !== "" && !isAbsolute(display) && display !== ".." && !display.startsWith("../") ? display : fallback;
}

/**
 * One command-line path (`trusted`: a symlink here is what the user named and is followed) or one
 * listed path (treated like an entry found by walking: a symlink is subject to the policy, and so is
 * every directory on the way to it).
 */
function visitInput(walk: Walk, input: string, trusted: boolean): void {
  let display = displayOf(input);
  let abs = resolve(walk.opts.cwd, input);
  if (!trusted) {
    const through = passThrough(walk, input);
    if ("skip" in through) return void walk.out.push({ path: display || ".", abs, skip: through.skip });
    if (through.real !== undefined) {
      // A link on the way was passed: what follows it is resolved from where it really leads, and
      // a ".." after it is kept in the path shown (dropping "link/.." would name another file).
      abs = resolve(through.real, basename(input) || ".");
      const parts = input.split("/").filter((c) => c !== "" && c !== ".");
      if (parts.includes("..")) display = (isAbsolute(input) ? "/" : "") + parts.join("/");
    }
  }
  const shown = display === "" ? "." : display;
  let st: Stats;
  try {
    st = trusted ? statSync(fsPath(abs)) : lstatSync(fsPath(abs));
  } catch (err) {
    const skip = missing(err);
    if (trusted && skip.reason === "not-found" && isLink(abs)) skip.reason = "broken-symlink";
    // Bun decodes arguments lossily: a name that is not UTF-8 arrives with U+FFFD and names no file.
    if (trusted && skip.reason === "not-found" && input.includes("\ufffd"))
      skip.detail += " (a name that is not valid UTF-8 cannot be given as an argument; list it with --stdin -0)";
    walk.out.push({ path: shown, abs, skip });
    return;
  }
  const globPath = globPathOf(display, basename(abs));
  if (trusted && !st.isSymbolicLink()) {
    // What the user named is followed, links included; from here on every path is the real one,
    // so a file is later opened without following any link (openNoLinks.ts) along a path with none.
    try {
      abs = realPath(abs);
    } catch (err) {
      return void walk.out.push({ path: shown, abs, skip: missing(err) });
    }
  }
  if (st.isSymbolicLink()) {
    if (!walk.filter || walk.filter.keepFile(globPath)) visitLink(walk, { path: shown, abs, globPath }, undefined);
  } else if (st.isDirectory()) {
    walkTree(walk, abs, display, st);
  } else if (walk.filter && !walk.filter.keepFile(globPath)) {
    // Left out by --include/--exclude.
  } else if (st.isFile()) {
    walk.out.push({ path: shown, abs, size: st.size });
  } else {
    walk.out.push({ path: shown, abs, skip: notRegular(st) });
  }
}

/** The skip for a path that cannot be stat'ed. */
function missing(err: unknown): Skip {
  const code = (err as NodeJS.ErrnoException).code;
  const reason: SkipReason =
    code === "ENOENT" || code === "ENOTDIR" ? "not-found" : code === "ELOOP" ? "symlink-loop" : "unreadable";
  return { reason, detail: describe(err) };
}

/**
 * Holds every component of a listed path before the last (the entry itself, visited as usual) to
 * the symlink rules, walking them as given, before any normalization, so `link/../x` is caught too.
 * A link is passed without question when it lies outside the current directory's tree and leads
 * to the current directory or one of its ancestors: the user runs inside it (/home may be a link).
 * Any other link is a link found in the walk: without --follow it is not followed, with --follow
 * its real target must lie inside the containment roots. Returns the skip (its detail names the
 * link), or where the components really lead when a link among them was passed.
 */
function passThrough(walk: Walk, input: string): Passed {
  let end = input.length;
  while (end > 1 && input.charCodeAt(end - 1) === 0x2f) end--;
  const dirEnd = input.lastIndexOf("/", end - 1);
  if (dirEnd <= 0) return { real: undefined }; // nothing before the entry but the current directory or "/"
  // Listed paths share directories: each directory, and each prefix of it, is checked once.
  const dir = input.slice(0, dirEnd);
  let passed = walk.passed.get(dir);
  if (passed) return passed;
  passed = { real: undefined };
  let at = isAbsolute(input) ? "" : walk.opts.cwd;
  for (let from = 0; from < dir.length;) {
    const slash = dir.indexOf("/", from);
    const to = slash < 0 ? dir.length : slash;
    const name = dir.slice(from, to);
    from = to + 1;
    if (name === "") continue;
    const parent = at;
    at = `${at}/${name}`;
    const prefix = dir.slice(0, to);
    let here = walk.passed.get(prefix);
    if (!here) walk.passed.set(prefix, (here = passComponent(walk, parent, at, name, passed.real, prefix)));
    passed = here;
    if ("skip" in passed) break;
  }
  walk.passed.set(dir, passed);
  return passed;
}

/**
 * One component of a listed path (see passThrough): `at` is its path, `real` the parent's real path
 * when a link led there, `shown` the listed path up to it, as given (what a skip's detail names).
 */
function passComponent(
  walk: Walk,
  parent: string,
  at: string,
  name: string,
  real: string | undefined,
  shown: string,
): Passed {
  const below = (base: string | undefined) => (base === undefined ? undefined : resolve(base, name));
  if (name === "." || name === "..") return { real: below(real) }; // never links
  let st: Stats;
  try {
    st = lstatSync(fsPath(at));
  } catch (err) {
    return { skip: missing(err) };
  }
  if (!st.isSymbolicLink()) return { real: below(real) };
  if (!trustedLink(walk, parent, at)) {
    const target = linkTarget(walk, at);
    if ("skip" in target)
      return { skip: { reason: target.skip.reason, detail: `${quotePath(shown)}: ${target.skip.detail}` } };
  }
  try {
    return { real: realPath(at) };
  } catch (err) {
    return { skip: missing(err) };
  }
}

/** A link that lies outside the current directory's tree and leads to the current directory or one of its ancestors. */
function trustedLink(walk: Walk, parent: string, at: string): boolean {
  const here = (walk.here ??= hereOf(walk.opts.cwd));
  try {
    const dir = realPath(parent || "/");
    if (dir === here.real || dir.startsWith(here.real === "/" ? "/" : `${here.real}/`)) return false;
    return here.keys.has(keyOf(statSync(fsPath(at))));
  } catch {
    return false;
  }
}

/** The current directory's real path, and the identities of it and each of its ancestors. */
function hereOf(cwd: string): { real: string; keys: Set<string> } {
  const keys = new Set<string>();
  let real: string;
  try {
    real = realPath(cwd);
  } catch {
    return { real: cwd, keys };
  }
  for (let d = real; ; d = dirname(d)) {
    try {
      keys.add(keyOf(statSync(fsPath(d))));
    } catch {
      /* an ancestor we cannot stat is not trusted */
    }
    if (d === dirname(d)) break;
  }
  return { real, keys };
}

function isLink(abs: string): boolean {
  try {
    return lstatSync(fsPath(abs)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Walks one directory tree, iteratively (deep trees cannot overflow the stack). */
function walkTree(
  walk: Walk,
  rootAbs: string,
  rootDisplay: string,
  rootStat: Stats,
  from?: { chain: Chain | undefined; scope: IgnoreScope; scopeRel: string },
): void {
  const { opts, filter } = walk;
  const outer = from ?? (opts.ignoreFiles ? scopeAbove(rootAbs) : { scope: EMPTY_SCOPE, scopeRel: "" });
  const chain = opts.follow ? { key: keyOf(rootStat), parent: from?.chain } : undefined;
  const stack: Pending[] = [
    { abs: rootAbs, rel: "", display: rootDisplay, scopeRel: outer.scopeRel, scope: outer.scope, chain },
  ];
  for (let dir = stack.pop(); dir; dir = stack.pop()) {
    let entries: DirEntry[];
    try {
      entries = readDir(dir.abs);
    } catch (err) {
      walk.out.push({
        path: dir.display || ".",
        abs: dir.abs,
        skip: { reason: "unreadable", detail: `directory cannot be read: ${describe(err)}` },
      });
      continue;
    }
    const scope = opts.ignoreFiles ? scopeOf(dir, entries) : dir.scope;
    for (const e of entries) {
      const name = e.name;
      if (name === ".git" || (!opts.hidden && name.charCodeAt(0) === 0x2e)) continue;
      let isDir = e.isDirectory();
      let isFile = !isDir && e.isFile();
      let isLinkEntry = !isDir && !isFile && e.isSymbolicLink();
      const abs = `${dir.abs}/${name}`;
      let st: Stats | undefined;
      if (
        !isDir &&
        !isFile &&
        !isLinkEntry &&
        !e.isFIFO() &&
        !e.isSocket() &&
        !e.isBlockDevice() &&
        !e.isCharacterDevice()
      ) {
        // The file system did not report a type (DT_UNKNOWN): ask.
        try {
          st = lstatSync(fsPath(abs));
        } catch {
          continue; // Gone since readdir.
        }
        isDir = st.isDirectory();
        isFile = st.isFile();
        isLinkEntry = st.isSymbolicLink();
      }
      if (opts.ignoreFiles && isIgnored(scope, dir.scopeRel, name, isDir)) continue;
      const path = inDir(name, dir.display);
      const globPath = filter ? globPathOf(path, inDir(name, dir.rel)) : "";
      if (isDir) {
        if (filter && !filter.keepDir(globPath)) continue;
        if (walk.leaveOut.has(abs)) continue; // weft's own caches, like .git
        let chainHere: Chain | undefined;
        if (dir.chain) {
          // With --follow, remember real directory identities to stop loops through links.
          try {
            chainHere = { key: keyOf(statSync(fsPath(abs))), parent: dir.chain };
          } catch {
            continue;
          }
        }
        stack.push({
          abs,
          rel: inDir(name, dir.rel),
          display: path,
          scopeRel: inDir(name, dir.scopeRel),
          scope,
          chain: chainHere,
        });
      } else if (filter && !filter.keepFile(globPath)) {
        continue;
      } else if (isFile) {
        walk.out.push({ path, abs });
      } else if (isLinkEntry) {
        visitLink(walk, { path, abs, globPath }, dir.chain, { scope, scopeRel: inDir(name, dir.scopeRel) });
      } else {
        walk.out.push({ path, abs, skip: notRegular(st ?? lstatSafe(abs)) });
      }
    }
  }
}

/** `name` inside the directory `base` ("" for the top). */
function inDir(name: string, base: string): string {
  return base === "" ? name : `${base}/${name}`;
}

const SCOPE_NAMES = new Set<string>([".git", ...IGNORE_FILES.map(([file]) => file)]);

/** The ignore scope inside a directory: its parent's, plus the ignore files among its entries. */
function scopeOf(dir: Pending, entries: readonly DirEntry[]): IgnoreScope {
  let present: Set<string> | undefined;
  for (const e of entries) {
    if (e.name.charCodeAt(0) === 0x2e && SCOPE_NAMES.has(e.name)) (present ??= new Set()).add(e.name);
  }
  return present ? enterDirectory(dir.scope, dir.abs, dir.scopeRel, (name) => present.has(name)) : dir.scope;
}

/**
 * A symlink found by walking or listed: skipped unless --follow; when followed, skipped if broken,
 * looping, or leading outside the roots, else a file entry or a directory walked under the link's path.
 */
function visitLink(
  walk: Walk,
  at: { path: string; abs: string; globPath: string },
  chain: Chain | undefined,
  inTree?: { scope: IgnoreScope; scopeRel: string },
): void {
  const target = linkTarget(walk, at.abs);
  if ("skip" in target) return void walk.out.push({ path: at.path, abs: at.abs, skip: target.skip });
  const { st, real } = target;
  const skip = (reason: SkipReason, detail: string) =>
    walk.out.push({ path: at.path, abs: at.abs, skip: { reason, detail } });
  if (st.isDirectory()) {
    for (let c = chain; c; c = c.parent)
      if (c.key === keyOf(st))
        return void skip("symlink-loop", `symbolic link loops back to an enclosing directory (${quotePath(real)})`);
    if (
      inTree &&
      walk.opts.ignoreFiles &&
      isIgnored(
        inTree.scope,
        inTree.scopeRel.slice(0, Math.max(0, inTree.scopeRel.lastIndexOf("/"))),
        basename(at.abs),
        true,
      )
    )
      return;
    if (walk.filter && !walk.filter.keepDir(at.globPath)) return;
    if (inTree && walk.leaveOut.has(real)) return; // a link into weft's own caches
    // Walked from where the link really leads, so the paths opened later hold no link.
    walkTree(walk, real, at.path, st, inTree ? { chain, ...inTree } : undefined);
  } else if (st.isFile()) {
    walk.out.push({ path: at.path, abs: real, size: st.size });
  } else {
    walk.out.push({ path: at.path, abs: at.abs, skip: notRegular(st) });
  }
}

/**
 * Where a symbolic link leads, when weft may go there: not broken, not looping, --follow given, and
 * the real target inside the containment roots; else the skip.
 */
function linkTarget(walk: Walk, abs: string): { st: Stats; real: string } | { skip: Skip } {
  const skip = (reason: SkipReason, detail: string) => ({ skip: { reason, detail } });
  let st: Stats;
  try {
    st = statSync(fsPath(abs));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return skip("symlink-loop", "symbolic link loop (too many levels of symbolic links)");
    if (code === "ENOENT" || code === "ENOTDIR") return skip("broken-symlink", "symbolic link target does not exist");
    return skip("unreadable", `symbolic link target cannot be read: ${describe(err)}`);
  }
  if (!walk.opts.follow) return skip("symlink-not-followed", "symbolic link not followed (use --follow)");
  let real: string;
  try {
    real = realPath(abs);
  } catch (err) {
    return skip("broken-symlink", `symbolic link cannot be resolved: ${describe(err)}`);
  }
  if (!walk.containment.some((root) => real === root || real.startsWith(root === "/" ? root : `${root}/`))) {
    return skip("symlink-outside-root", `symbolic link leads outside the given roots (to ${quotePath(real)})`);
  }
  return { st, real };
}

/**
 * The ignore rules that apply above a walk root: those of every directory from the enclosing git
 * repository's top down to the root's parent, as git applies them. None outside a repository.
 */
function scopeAbove(rootAbs: string): { scope: IgnoreScope; scopeRel: string } {
  const chain = [rootAbs]; // From the root up to the repository's top.
  while (!exists(`${chain[chain.length - 1]}/.git`)) {
    const parent = dirname(chain[chain.length - 1]!);
    if (parent === chain[chain.length - 1]) return { scope: EMPTY_SCOPE, scopeRel: "" };
    chain.push(parent);
  }
  chain.reverse();
  let scope = EMPTY_SCOPE;
  let rel = "";
  // Enter each directory from the top down to the root's parent; the walk enters the root itself.
  for (let i = 0; i < chain.length - 1; i++) {
    const abs = chain[i]!;
    scope = enterDirectory(scope, abs, rel, (name) => exists(`${abs}/${name}`));
    rel = inDir(basename(chain[i + 1]!), rel);
  }
  return { scope, scopeRel: rel };
}

function exists(path: string): boolean {
  try {
    lstatSync(fsPath(path));
    return true;
  } catch {
    return false;
  }
}

function lstatSafe(abs: string): Stats | undefined {
  try {
    return lstatSync(fsPath(abs));
  } catch {
    return undefined;
  }
}

function keyOf(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

/** The skip for something that is neither a file nor a directory; never opened, so nothing blocks. */
export function notRegular(st: Stats | undefined): { reason: SkipReason; detail: string } {
  const kind = !st
    ? "special file"
    : st.isFIFO()
      ? "named pipe (FIFO)"
      : st.isSocket()
        ? "socket"
        : st.isBlockDevice()
          ? "block device"
          : st.isCharacterDevice()
            ? "character device"
            : "special file";
  return { reason: "not-regular-file", detail: `not a regular file: ${kind}` };
}

/** The one-line text of a file system error: "EACCES: permission denied". */
export function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code) {
    const text = (e.message ?? "").split("\n")[0] ?? "";
    const m = /^[A-Z]+: ([^,]+)/.exec(text);
    return `${e.code}: ${m ? m[1] : text}`;
  }
  return String(err);
}
