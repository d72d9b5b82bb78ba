// Definition integrity, fill and speed of the delimiter strategy on real files (issue 24, point 4).
// Usage: bun tests/bench/delimiterIntegrity.ts [CORPUS_SRC] [--go-every=N] [--runs=N] [--base=PATH] [--narrow] [--only=GROUP]
// Chunks every effect, rxjs and typescript-lib source and every Nth Go file of the corpus with
// `strategy: "delimiter"` forced (as the corpus tests do) at 2000 bytes (`bytes` tokenizer) and 512
// o200k tokens; definitions come from @ast-grep/napi (tests/chunkers/definitions.ts: BROAD_DEFINITIONS,
// or with --narrow the corpus test's set). Prints, per
// group and budget: definitions kept whole among those that fit the budget, chunks against the ideal
// count (file tokens / budget, rounded up, summed), and the milliseconds of delimiterUnits itself
// (median of --runs). With --base=PATH (a copy of another delimiter.ts) it times that module on the
// same texts in the same run, interleaved file by file, for a before/after ratio.
import { readFileSync } from "node:fs";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { delimiterUnits } from "../../src/chunkers/delimiter.ts";
import { fitter } from "../../src/chunkers/pack.ts";
import { detectByName } from "../../src/discover/detect.ts";
import { commentPrefixes } from "../../src/languages/comments.ts";
import { registerOracle } from "../../src/languages/oracle.ts";
import { grammarLanguages, languageById } from "../../src/languages/table.ts";
import type { Governor, TokenizerId } from "../../src/model/governor.ts";
import { tokenizerFor } from "../../src/tokenize/tokenizer.ts";
import { fileOf } from "../chunkers/check.ts";
import { definitionExtents, integrity } from "../chunkers/definitions.ts";

const args = process.argv.slice(2);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const src = args.find((a) => !a.startsWith("--")) ?? "/tmp/weft-corpus/src";
const goEvery = Number(opt("go-every") ?? 4);
const runs = Number(opt("runs") ?? 3);
const basePath = opt("base");
const broad = !args.includes("--narrow");
const only = opt("only");
type Delimit = typeof delimiterUnits;
const base: Delimit | undefined = basePath
  ? ((await import(basePath)) as { delimiterUnits: Delimit }).delimiterUnits
  : undefined;

type Input = { path: string; language: string; text: string; bytes: Uint8Array };
const load = (glob: string, every = 1): Input[] =>
  [...new Bun.Glob(glob).scanSync({ cwd: src, onlyFiles: true })]
    .sort()
    .filter((_, k) => k % every === 0)
    .map((path) => {
      const bytes = new Uint8Array(readFileSync(`${src}/${path}`));
      return { path, language: detectByName(path)?.language ?? "text", bytes, text: new TextDecoder().decode(bytes) };
    });
const groups: [string, Input[]][] = [
  ["effect", load("typescript/effect-src/**/*.ts")],
  ["ts-other", [...load("typescript/rxjs-src/**/*.ts"), ...load("typescript/typescript-lib/**/*.ts")]],
  [`go(1/${goEvery})`, load("go/**/*.go", goEvery)],
];
registerOracle(grammarLanguages().map((l) => l.id));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const budgets: [TokenizerId, number][] = [
  ["bytes", 2000],
  ["o200k", 512],
];
for (const [name, files] of groups.filter(([g]) => !only || g.startsWith(only))) {
  const extents = files.map((f) => definitionExtents(f.language, f.text, broad));
  for (const [tokenizer, maxTokens] of budgets) {
    const tk = tokenizerFor(tokenizer);
    const governor: Governor = { maxTokens, tokenizer, context: false, overlapLines: 0 };
    let eligible = 0;
    let whole = 0;
    let chunks = 0;
    let ideal = 0;
    const broken: string[] = [];
    files.forEach((f, k) => {
      const r = chunkFile(fileOf(f.path, f.language, f.bytes.length), f.bytes, governor, "delimiter");
      if (r.status !== "chunked") throw new Error(`${f.path}: ${JSON.stringify(r)}`);
      chunks += r.chunks.length;
      ideal += Math.ceil(tk.count(f.text) / maxTokens);
      const bounds = [0];
      for (const c of r.chunks) bounds.push(bounds[bounds.length - 1]! + c.content.length);
      const got = integrity(f.text, extents[k]!, bounds, (s, e) => tk.count(f.text.slice(s, e)) <= maxTokens);
      eligible += got.eligible;
      whole += got.whole;
      for (const line of got.broken) broken.push(`${f.path}:${line}`);
    });
    // delimiterUnits alone, same texts and size tests; before/after interleaved when --base is given.
    const indexes = files.map((f) => tk.index(f.text));
    // Per run, each file is timed with the base right before the current code, so that a change of
    // load on a shared machine hits both alike; the sums of a run are compared, median over runs.
    const fitsOf = indexes.map((ix) => fitter(ix, maxTokens, 3));
    const now: number[] = [];
    const before: number[] = [];
    for (let r = 0; r < runs; r++) {
      let a = 0;
      let b = 0;
      files.forEach((f, k) => {
        const lang = languageById(f.language)!;
        const comments = commentPrefixes(lang);
        if (base) {
          const t0 = performance.now();
          base(f.text, lang.delimiter, comments, fitsOf[k]!);
          b += performance.now() - t0;
        }
        const t1 = performance.now();
        delimiterUnits(f.text, lang.delimiter, comments, fitsOf[k]!);
        a += performance.now() - t1;
      });
      now.push(a);
      before.push(b);
    }
    for (const ix of indexes) ix.release();
    const pct = ((whole / eligible) * 100).toFixed(3);
    const speed = base
      ? `delimiterUnits ${median(now).toFixed(0)} ms vs base ${median(before).toFixed(0)} ms (x${(median(now) / median(before)).toFixed(2)})`
      : `delimiterUnits ${median(now).toFixed(0)} ms`;
    console.log(
      `${name} ${files.length} files, ${tokenizer} ${maxTokens}: whole ${pct}% (${whole}/${eligible}), chunks ${chunks} / ideal ${ideal} = ${(chunks / ideal).toFixed(3)}x; ${speed}`,
    );
    if (process.env.BROKEN) console.log(`  broken: ${broken.slice(0, Number(process.env.BROKEN)).join(" ")}`);
  }
}
