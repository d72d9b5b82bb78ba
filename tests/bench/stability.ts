// Edit stability on real history (issue 16, point 3): for every file changed between two published
// versions of the same code (tests/bench/pairs/build-pairs.sh), how many chunks change, against
// how many definitions changed, for each packing, in one run.
//
//   bun tests/bench/stability.ts [PAIRS_DIR] [--json FILE]      (default PAIRS_DIR=/tmp/weft-pairs)
//
// Definitions (what is counted):
// - changed file: a path present in both versions whose bytes differ, in a language weft parses
//   (added and removed files are left out: every chunk of them changes under any packing).
// - changed chunk: a chunk of the new version whose content is not among the old version's chunk
//   contents (same governor, same packing).
// - definition: a function, method, class, interface, type or enum at any depth, and a top-level
//   variable or constant declaration (`export const x = ...`, Go's `const (...)`); a wrapper
//   (`export`, decorators) is part of what it wraps. Found in the same ast-grep trees weft parses.
//   A definition is keyed by its enclosing definitions' keys, its kind and name, and its
//   occurrence among equal keys.
// - changed definition: a key in both versions whose text differs, or a key in only one (added,
//   removed). Counted once where it happened: a changed definition that contains another changed
//   one is not counted (the inner change explains it); an added or removed definition inside an
//   added or removed one is not counted (the outer one was added or removed whole).
// - per file, chunks changed per changed definition; the median and mean are over files with at
//   least one changed definition; a file whose edits lie outside every definition (imports, a
//   top-level call) adds its changed chunks to the totals and has no ratio.
import { parse, type SgNode } from "@ast-grep/napi";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { detectByName } from "../../src/discover/detect.ts";
import { napiName, registerOracle } from "../../src/languages/oracle.ts";
import type { Governor } from "../../src/model/governor.ts";

/** The packings compared. */
export const PACKINGS = ["greedy", "anchored"] as const;
export type Packing = (typeof PACKINGS)[number];

/** Definition kinds per language; `topLevel` kinds count only outside every function and class. */
const DEFINITIONS: Record<string, { kinds: string[]; topLevel: string[]; wrappers: string[] }> = {
  python: { kinds: ["function_definition", "class_definition"], topLevel: [], wrappers: ["decorated_definition"] },
  typescript: {
    kinds: [
      "function_declaration",
      "generator_function_declaration",
      "class_declaration",
      "abstract_class_declaration",
      "method_definition",
      "interface_declaration",
      "type_alias_declaration",
      "enum_declaration",
      "internal_module",
      "module",
    ],
    topLevel: ["lexical_declaration", "variable_declaration"],
    wrappers: ["export_statement"],
  },
  go: {
    kinds: ["function_declaration", "method_declaration", "type_declaration"],
    topLevel: ["const_declaration", "var_declaration"],
    wrappers: [],
  },
};

type Def = { key: string; parent: string | undefined; text: string };

/** The definitions of a file, keyed (see the header). */
export function definitions(language: string, text: string): Def[] {
  const spec = DEFINITIONS[language];
  if (!spec) throw new Error(`no definition kinds for ${language}`);
  const kinds = new Set(spec.kinds);
  const top = new Set(spec.topLevel);
  const wrappers = new Set(spec.wrappers);
  const seen = new Map<string, number>();
  const out: Def[] = [];
  const visit = (node: SgNode, parent: string | undefined, atTop: boolean): void => {
    for (const child of node.children()) {
      const kind = String(child.kind());
      if (wrappers.has(kind)) {
        // The wrapper takes the place of the definition it wraps: its text, the inner kind and name.
        const inner = child.children().find((c) => kinds.has(String(c.kind())) || (atTop && top.has(String(c.kind()))));
        if (inner) {
          define(child, inner, parent, atTop);
          continue;
        }
      }
      if (kinds.has(kind) || (atTop && top.has(kind))) {
        define(child, child, parent, atTop);
        continue;
      }
      visit(child, parent, atTop);
    }
  };
  const define = (outer: SgNode, def: SgNode, parent: string | undefined, atTop: boolean): void => {
    const kind = String(def.kind());
    const base = `${parent ? `${parent} > ` : ""}${kind} ${nameOf(def)}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const key = `${base}#${n}`;
    out.push({ key, parent, text: outer.text() });
    // Inside a declaration of a top-level variable, functions still count; variables no longer do.
    visit(def, key, atTop && top.has(kind));
  };
  visit(parse(napiName(language), text).root(), undefined, true);
  return out;
}

/** A definition's name: its name field, its first declarator's or spec's, else its first line. */
function nameOf(node: SgNode): string {
  const direct = node.field("name" as never) as SgNode | null;
  if (direct) return direct.text();
  for (const c of node.namedChildren()) {
    const k = String(c.kind());
    if (/declarator$|_spec$/.test(k)) {
      const n = c.field("name" as never) as SgNode | null;
      if (n) return n.text();
    }
  }
  return node.text().split("\n", 1)[0]!.trim().slice(0, 80);
}

/** The changed definitions between two versions of a file, counted once where they happened. */
export function changedDefinitions(language: string, oldText: string, newText: string): string[] {
  const before = new Map(definitions(language, oldText).map((d) => [d.key, d] as const));
  const after = new Map(definitions(language, newText).map((d) => [d.key, d] as const));
  const status = new Map<string, "changed" | "added" | "removed">();
  for (const [k, d] of after) {
    const o = before.get(k);
    if (!o) status.set(k, "added");
    else if (o.text !== d.text) status.set(k, "changed");
  }
  for (const k of before.keys()) if (!after.has(k)) status.set(k, "removed");
  const parentOf = (k: string) => (after.get(k) ?? before.get(k))!.parent;
  const hasChangedChild = new Set<string>();
  for (const k of status.keys()) {
    const p = parentOf(k);
    if (p !== undefined) hasChangedChild.add(p);
  }
  const out: string[] = [];
  for (const [k, s] of status) {
    if (s === "changed" && hasChangedChild.has(k)) continue;
    const p = parentOf(k);
    if (s !== "changed" && p !== undefined && status.get(p) === s) continue;
    out.push(`${s} ${k}`);
  }
  return out.sort();
}

/** The chunk contents of a file under a packing. */
function chunkContents(path: string, language: string, bytes: Uint8Array, governor: Governor): string[] {
  const file = { index: 0, path, absPath: path, language, languageSource: "extension" as const, size: bytes.length };
  const r = chunkFile(file, bytes, governor);
  if (r.status !== "chunked") throw new Error(`${path}: ${JSON.stringify(r)}`);
  if (r.strategy !== "semantic") throw new Error(`${path}: chunked by ${r.strategy} (${r.reason}), not semantic`);
  return r.chunks.map((c) => c.content);
}

/** One changed file's figures. */
export type FileFigures = {
  pair: string;
  path: string;
  language: string;
  changedDefinitions: number;
  chunks: Record<Packing, { old: number; new: number; changed: number }>;
};

/** Summary over a set of files, per packing. */
export type Summary = {
  files: number;
  withDefinitions: number;
  changedDefinitions: number;
  packings: Record<
    Packing,
    { changedChunks: number; medianRatio: number; meanRatio: number; totalRatio: number; chunks: number }
  >;
};

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Measures every changed file of every pair under `pairsDir/pairs`. */
export async function measureStability(pairsDir: string, maxTokens = 512): Promise<FileFigures[]> {
  const root = join(pairsDir, "pairs");
  if (!existsSync(root)) throw new Error(`${root} not found: build it with bash tests/bench/pairs/build-pairs.sh`);
  registerOracle(Object.keys(DEFINITIONS));
  const out: FileFigures[] = [];
  for (const pair of readdirSync(root).sort()) {
    const oldDir = join(root, pair, "old");
    const newDir = join(root, pair, "new");
    for (const path of listFiles(newDir)) {
      const oldPath = join(oldDir, path);
      if (!existsSync(oldPath)) continue;
      const language = detectByName(path)?.language;
      if (!language || !DEFINITIONS[language]) continue;
      const a = new Uint8Array(readFileSync(oldPath));
      const b = new Uint8Array(readFileSync(join(newDir, path)));
      if (Buffer.from(a).equals(Buffer.from(b))) continue;
      const chunks = {} as FileFigures["chunks"];
      for (const packing of PACKINGS) {
        const governor: Governor = { maxTokens, tokenizer: "o200k", context: false, overlapLines: 0, packing };
        const before = chunkContents(path, language, a, governor);
        const after = chunkContents(path, language, b, governor);
        const had = new Set(before);
        chunks[packing] = { old: before.length, new: after.length, changed: after.filter((c) => !had.has(c)).length };
      }
      const utf8 = new TextDecoder();
      const defs = changedDefinitions(language, utf8.decode(a), utf8.decode(b));
      out.push({ pair, path, language, changedDefinitions: defs.length, chunks });
      await Bun.sleep(0); // parse trees are freed when the event loop turns
    }
  }
  return out;
}

const median = (xs: readonly number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Totals, medians and means of a set of files, per packing. */
export function summarize(files: readonly FileFigures[]): Summary {
  const withDefs = files.filter((f) => f.changedDefinitions > 0);
  const changedDefinitions = files.reduce((s, f) => s + f.changedDefinitions, 0);
  const packings = {} as Summary["packings"];
  for (const p of PACKINGS) {
    const ratios = withDefs.map((f) => f.chunks[p].changed / f.changedDefinitions);
    const changedChunks = files.reduce((s, f) => s + f.chunks[p].changed, 0);
    packings[p] = {
      changedChunks,
      medianRatio: median(ratios),
      meanRatio: ratios.length ? ratios.reduce((s, r) => s + r, 0) / ratios.length : NaN,
      totalRatio: withDefs.reduce((s, f) => s + f.chunks[p].changed, 0) / changedDefinitions,
      chunks: files.reduce((s, f) => s + f.chunks[p].new, 0),
    };
  }
  return { files: files.length, withDefinitions: withDefs.length, changedDefinitions, packings };
}

/** Report lines: per file, then per pair, per language and overall, both packings side by side. */
export function renderStability(files: readonly FileFigures[]): string[] {
  const lines: string[] = [];
  const row = (name: string, s: Summary) =>
    `${name.padEnd(28)} ${String(s.files).padStart(5)} ${String(s.changedDefinitions).padStart(5)}  ` +
    PACKINGS.map((p) => {
      const f = s.packings[p];
      return `${String(f.changedChunks).padStart(5)} ${f.medianRatio.toFixed(2).padStart(6)} ${f.meanRatio.toFixed(2).padStart(6)} ${f.totalRatio.toFixed(2).padStart(6)}`;
    }).join("   ");
  const head = `${"".padEnd(28)} ${"files".padStart(5)} ${"defs".padStart(5)}  ${PACKINGS.map((p) => `${p}: chunks changed, median / mean / total per def`.padEnd(32)).join("   ")}`;
  lines.push(head);
  const groups = (key: (f: FileFigures) => string) => [...new Set(files.map(key))].sort();
  for (const g of groups((f) => f.pair)) lines.push(row(`pair ${g}`, summarize(files.filter((f) => f.pair === g))));
  for (const g of groups((f) => f.language))
    lines.push(row(`language ${g}`, summarize(files.filter((f) => f.language === g))));
  lines.push(row("overall", summarize(files)));
  return lines;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf("--json");
  const json = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : undefined;
  const files = await measureStability(args[0] ?? "/tmp/weft-pairs");
  for (const f of files)
    console.log(
      `${f.pair}/${f.path}: defs ${f.changedDefinitions}; ${PACKINGS.map((p) => `${p} ${f.chunks[p].changed}/${f.chunks[p].new}`).join(", ")}`,
    );
  console.log(renderStability(files).join("\n"));
  if (json) writeFileSync(json, JSON.stringify({ files, overall: summarize(files) }, null, 2));
}
