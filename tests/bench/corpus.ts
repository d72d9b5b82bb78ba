import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { detectByName } from "../../src/discover/detect.ts";

/** One file of the benchmark corpus. */
export type CorpusFile = { rel: string; abs: string; size: number; language: string };

/** A group of files measured together (one language, or everything). */
export type Group = { name: string; files: CorpusFile[]; bytes: number };

/**
 * The directory to chunk for a corpus argument: a corpus built by build-corpus.sh keeps its
 * sources in src/ next to downloads/ (archives, not source) and MANIFEST.tsv, so use src/ there.
 * Returns an error message when the corpus is missing or still being built.
 */
export function resolveCorpus(dir: string): { root: string } | { error: string } {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return { error: `corpus directory ${abs} does not exist` };
  const built = existsSync(join(abs, "MANIFEST.tsv")) || existsSync(join(abs, ".complete"));
  if (existsSync(join(abs, "src")) && existsSync(join(abs, "downloads"))) {
    if (!built)
      return { error: `corpus ${abs} is incomplete (no MANIFEST.tsv yet: still building, or the build failed)` };
    return { root: join(abs, "src") };
  }
  return { root: abs };
}

/** Every regular file under root, sorted, skipping dot entries and node_modules (as weft does by default). */
export function listCorpus(root: string): CorpusFile[] {
  const files: CorpusFile[] = [];
  const visit = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(abs, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) {
        const rel = relative(root, path);
        files.push({ rel, abs: path, size: statSync(path).size, language: detectByName(rel)?.language ?? "text" });
      }
    }
  };
  visit(root);
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * Groups files by language. Languages holding less than `minShare` of the bytes are pooled in
 * "other" so every group is big enough to time; "other" is dropped when it is tiny too.
 */
export function groupByLanguage(files: readonly CorpusFile[], minShare: number): Group[] {
  const total = files.reduce((s, f) => s + f.size, 0);
  const by = new Map<string, CorpusFile[]>();
  for (const f of files) by.set(f.language, [...(by.get(f.language) ?? []), f]);
  const groups: Group[] = [];
  const other: CorpusFile[] = [];
  for (const [name, fs] of by) {
    const bytes = fs.reduce((s, f) => s + f.size, 0);
    if (bytes >= total * minShare) groups.push({ name, files: fs, bytes });
    else other.push(...fs);
  }
  const otherBytes = other.reduce((s, f) => s + f.size, 0);
  if (otherBytes >= total * minShare) groups.push({ name: "other", files: other, bytes: otherBytes });
  return groups.sort((a, b) => b.bytes - a.bytes);
}

/**
 * Makes `copies` copies of the files under dest (copy0/, copy1/, ...), as hard links when the file
 * system allows (same bytes, no disk use), else real copies. Both tools then see exactly the same
 * files. Returns how the copies were made.
 */
export function materialize(files: readonly CorpusFile[], dest: string, copies: number): "hardlink" | "copy" {
  let how: "hardlink" | "copy" = "hardlink";
  for (let c = 0; c < copies; c++) {
    for (const f of files) {
      const target = join(dest, `copy${c}`, f.rel);
      mkdirSync(dirname(target), { recursive: true });
      if (how === "hardlink") {
        try {
          linkSync(f.abs, target);
          continue;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK") throw err;
          how = "copy";
        }
      }
      copyFileSync(f.abs, target);
    }
  }
  return how;
}
