// Definition integrity and fill of files whose syntax tree has ERROR nodes (issue 24, points 1 and 4),
// chunked as weft chooses (no forced strategy), at 2000 bytes (`bytes` tokenizer) and 512 o200k tokens.
// Usage: bun tests/bench/recoverIntegrity.ts [CORPUS_SRC] [--base=DIR] [--only=GROUP] [--runs=N]
// Groups: the 11 effect files that used to fall back wholesale, all TypeScript, Python and Go (1/4)
// files of the corpus. Definitions come from @ast-grep/napi (tests/chunkers/definitions.ts:
// BROAD_DEFINITIONS). Per group and budget it prints definitions kept whole among those that fit the
// budget, chunks against the ideal count (file tokens / budget, rounded up, summed), and with
// --base=DIR (a checkout of another commit's src/, with node_modules and packaging linked in) the
// same figures for that code. Cost: chunkFile's milliseconds per MB on the files with ERROR nodes and
// on the clean file of the group closest in size to each (median of --runs, interleaved), and base
// against current.
import { readFileSync } from "node:fs";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { detectByName } from "../../src/discover/detect.ts";
import { registerOracle } from "../../src/languages/oracle.ts";
import { grammarLanguages } from "../../src/languages/table.ts";
import type { Governor, TokenizerId } from "../../src/model/governor.ts";
import { tokenizerFor } from "../../src/tokenize/tokenizer.ts";
import { errorRanges } from "../../src/tree/flatTree.ts";
import { parseTree } from "../../src/tree/parseTree.ts";
import { fileOf } from "../chunkers/check.ts";
import { definitionExtents, EFFECT_11, integrity } from "../chunkers/definitions.ts";

const args = process.argv.slice(2);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const src = args.find((a) => !a.startsWith("--")) ?? "/tmp/weft-corpus/src";
const only = opt("only");
const runs = Number(opt("runs") ?? 3);
type Chunker = typeof chunkFile;
const basePath = opt("base");
const base: Chunker | undefined = basePath
  ? ((await import(`${basePath}/src/chunkers/chunkFile.ts`)) as { chunkFile: Chunker }).chunkFile
  : undefined;

type Input = { path: string; language: string; text: string; bytes: Uint8Array; errors: boolean };
const read = (path: string): Input => {
  const bytes = new Uint8Array(readFileSync(`${src}/${path}`));
  const language = detectByName(path)?.language ?? "text";
  const text = new TextDecoder().decode(bytes);
  const errors = errorRanges(parseTree(language, text), 0).length > 0;
  return { path, language, bytes, text, errors };
};
const load = (glob: string, every = 1): Input[] =>
  [...new Bun.Glob(glob).scanSync({ cwd: src, onlyFiles: true })]
    .sort()
    .filter((_, k) => k % every === 0)
    .map(read);
const groups: [string, () => Input[]][] = [
  ["effect-11", () => EFFECT_11.map((n) => read(`typescript/effect-src/${n}.ts`))],
  ["typescript", () => load("typescript/**/*.ts")],
  ["python", () => load("python/**/*.py")],
  ["go(1/4)", () => load("go/**/*.go", 4)],
];
registerOracle(grammarLanguages().map((l) => l.id));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const budgets: [TokenizerId, number][] = [
  ["bytes", 2000],
  ["o200k", 512],
];

for (const [name, loadGroup] of groups.filter(([g]) => !only || g.startsWith(only))) {
  const files = loadGroup();
  const extents = files.map((f) => definitionExtents(f.language, f.text, true));
  const withErrors = files.filter((f) => f.errors);
  for (const [tokenizer, maxTokens] of budgets) {
    const tk = tokenizerFor(tokenizer);
    const governor: Governor = { maxTokens, tokenizer, context: false, overlapLines: 0 };
    const measure = (chunker: Chunker) => {
      let eligible = 0;
      let whole = 0;
      let chunks = 0;
      let ideal = 0;
      const broken: string[] = [];
      files.forEach((f, k) => {
        const r = chunker(fileOf(f.path, f.language, f.bytes.length), f.bytes, governor);
        if (r.status !== "chunked") throw new Error(`${f.path}: ${JSON.stringify(r)}`);
        if (r.chunks.map((c) => c.content).join("") !== f.text) throw new Error(`${f.path}: chunks lose text`);
        for (const c of r.chunks)
          if (c.tokens > maxTokens) throw new Error(`${f.path}: chunk ${c.index} has ${c.tokens} tokens`);
        chunks += r.chunks.length;
        ideal += Math.ceil(tk.count(f.text) / maxTokens);
        const bounds = [0];
        for (const c of r.chunks) bounds.push(bounds[bounds.length - 1]! + c.content.length);
        const got = integrity(f.text, extents[k]!, bounds, (s, e) => tk.count(f.text.slice(s, e)) <= maxTokens);
        eligible += got.eligible;
        whole += got.whole;
        for (const line of got.broken) broken.push(`${f.path}:${line}`);
      });
      return `whole ${((whole / eligible) * 100).toFixed(3)}% (${whole}/${eligible}), chunks ${chunks} / ideal ${ideal} = ${(chunks / ideal).toFixed(3)}x`;
    };
    const now = measure(chunkFile);
    const before = base ? `; base: ${measure(base)}` : "";
    console.log(
      `${name} ${files.length} files (${withErrors.length} with ERROR nodes), ${tokenizer} ${maxTokens}: ${now}${before}`,
    );
  }
  // Cost per MB (o200k 512): each file with ERROR nodes against the clean file of the group closest
  // in size, timed one after the other so that a change of load hits both alike; sums per run,
  // median over runs. With --base, the base code on the files with errors too.
  const governor: Governor = { maxTokens: 512, tokenizer: "o200k", context: false, overlapLines: 0 };
  const clean = files.filter((f) => !f.errors).sort((x, y) => x.bytes.length - y.bytes.length);
  if (withErrors.length === 0 || clean.length === 0) continue;
  const twin = (f: Input): Input => {
    let best = clean[0]!;
    for (const c of clean)
      if (Math.abs(c.bytes.length - f.bytes.length) < Math.abs(best.bytes.length - f.bytes.length)) best = c;
    return best;
  };
  const twins = withErrors.map(twin);
  const mb = (xs: Input[]) => xs.reduce((n, f) => n + f.bytes.length, 0) / 1e6;
  const once = (chunker: Chunker, f: Input) => {
    const t0 = performance.now();
    chunker(fileOf(f.path, f.language, f.bytes.length), f.bytes, governor);
    return performance.now() - t0;
  };
  const parse = (f: Input) => {
    const t0 = performance.now();
    parseTree(f.language, f.text);
    return performance.now() - t0;
  };
  const rows = {
    err: [] as number[],
    clean: [] as number[],
    baseErr: [] as number[],
    pErr: [] as number[],
    pClean: [] as number[],
  };
  for (let r = 0; r < runs; r++) {
    let e = 0;
    let c = 0;
    let b = 0;
    let pe = 0;
    let pc = 0;
    withErrors.forEach((f, k) => {
      if (base) b += once(base, f);
      e += once(chunkFile, f);
      c += once(chunkFile, twins[k]!);
      pe += parse(f);
      pc += parse(twins[k]!);
    });
    rows.err.push(e / mb(withErrors));
    rows.clean.push(c / mb(twins));
    rows.baseErr.push(b / mb(withErrors));
    rows.pErr.push(pe / mb(withErrors));
    rows.pClean.push(pc / mb(twins));
  }
  const e = median(rows.err);
  const c = median(rows.clean);
  const pe = median(rows.pErr);
  const pc = median(rows.pClean);
  const b = base ? `; base on files with errors ${median(rows.baseErr).toFixed(0)} ms/MB` : "";
  console.log(
    `${name} cost: ${withErrors.length} files with errors ${e.toFixed(0)} ms/MB (${mb(withErrors).toFixed(2)} MB), their clean size twins ${c.toFixed(0)} ms/MB (${mb(twins).toFixed(2)} MB): x${(e / c).toFixed(2)}${b}`,
  );
  console.log(
    `${name} cost: of which parseTree ${pe.toFixed(0)} vs ${pc.toFixed(0)} ms/MB (x${(pe / pc).toFixed(2)}); the rest (chunking along the tree) ${(e - pe).toFixed(0)} vs ${(c - pc).toFixed(0)} ms/MB (x${((e - pe) / (c - pc)).toFixed(2)})`,
  );
}
