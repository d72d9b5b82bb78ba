// Benchmark (not a test): chunking the corpus's Python files inline on one core at the default
// settings, against merely parsing them with @ast-grep/napi, in the same run. Reports medians of
// several repetitions and the ratio (target: chunk <= 1.5x parse).
//   bun run bench:engine [--reps N] [--dir /tmp/weft-corpus/src/python] [--glob '**/*.py']
import { parse } from "@ast-grep/napi";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import { resetTokenizers, tokenizerFor } from "../../src/tokenize/tokenizer.ts";

const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "5" },
    dir: { type: "string", default: "/tmp/weft-corpus/src/python" },
    glob: { type: "string", default: "**/*.py" },
    language: { type: "string", default: "python" },
  },
});
const reps = Number(values.reps);
const dir = values.dir!;
const language = values.language!;
const paths = [...new Bun.Glob(values.glob!).scanSync({ cwd: dir, onlyFiles: true })].sort();
if (paths.length === 0) {
  console.error(
    `no files matching ${values.glob} under ${dir} (build the corpus: /work/shared/corpus/build-corpus.sh)`,
  );
  process.exit(2);
}
const files = paths.map((p, index) => ({ index, path: p, bytes: new Uint8Array(readFileSync(`${dir}/${p}`)) }));
const texts = files.map((f) => new TextDecoder().decode(f.bytes));
const totalBytes = files.reduce((n, f) => n + f.bytes.length, 0);
loadParsers([language]);

const YIELD_EVERY = 16; // parse trees are freed only when the event loop turns (both sides alike)

async function parseOnly(): Promise<number> {
  let nodes = 0;
  for (let i = 0; i < texts.length; i++) {
    nodes += String(parse(language, texts[i]!).root().kind()).length;
    if (i % YIELD_EVERY === 0) await Bun.sleep(0);
  }
  return nodes;
}

/** Parsing plus the one search for ERROR nodes that chunkFile makes (the chunks' has_error flags need it). */
async function parseAndErrors(): Promise<number> {
  let errors = 0;
  for (let i = 0; i < texts.length; i++) {
    errors += parse(language, texts[i]!)
      .root()
      .findAll({ rule: { kind: "ERROR" } }).length;
    if (i % YIELD_EVERY === 0) await Bun.sleep(0);
  }
  return errors;
}

/** The exact token index of every file (every chunk's token count comes from it). */
async function tokenIndex(): Promise<number> {
  const tokenizer = tokenizerFor(DEFAULT_GOVERNOR.tokenizer);
  let tokens = 0;
  for (const t of texts) {
    const index = tokenizer.index(t);
    tokens += index.count(0, t.length);
    index.release(); // as chunkFile does: the next text's index reuses the arrays
  }
  return tokens;
}

async function chunkAll(): Promise<number> {
  let chunks = 0;
  for (const f of files) {
    const r = chunkFile(
      { index: f.index, path: f.path, absPath: "", language, languageSource: "extension", size: f.bytes.length },
      f.bytes,
      DEFAULT_GOVERNOR,
    );
    if (r.status === "chunked") chunks += r.chunks.length;
    else throw new Error(`${f.path}: ${r.status}`);
    if (f.index % YIELD_EVERY === 0) await Bun.sleep(0);
  }
  return chunks;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// Warm-up: loads the parser and the tokenizer tables (a fixed start-up cost, not per file).
await parseOnly();
await chunkAll();
const parseMs: number[] = [];
const chunkMs: number[] = [];
const parseCpu: number[] = [];
const errorsMs: number[] = [];
const indexMs: number[] = [];
const unusedCpu: number[] = [];
const chunkCpu: number[] = [];
let chunks = 0;
/** Frees what the previous side left (its parse trees go only with a full GC and a turn), untimed. */
async function settle(): Promise<void> {
  Bun.gc(true);
  await Bun.sleep(0);
}
async function timed(run: () => Promise<unknown>, wall: number[], cpu: number[]): Promise<void> {
  await settle();
  const c0 = process.cpuUsage();
  const t = performance.now();
  await run();
  wall.push(performance.now() - t);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
for (let r = 0; r < reps; r++) {
  // Alternate so that machine noise hits both sides alike.
  await timed(parseOnly, parseMs, parseCpu);
  // A cold piece memo each time, as one run over these files would start (the BPE tables stay loaded).
  resetTokenizers();
  await timed(
    async () => {
      chunks = await chunkAll();
    },
    chunkMs,
    chunkCpu,
  );
  await timed(parseAndErrors, errorsMs, unusedCpu);
  resetTokenizers();
  await timed(tokenIndex, indexMs, unusedCpu);
  console.error(
    `rep ${r + 1}: parse ${parseMs[r]!.toFixed(0)} ms, chunk ${chunkMs[r]!.toFixed(0)} ms, ratio ${(chunkMs[r]! / parseMs[r]!).toFixed(2)} (CPU ${(chunkCpu[r]! / parseCpu[r]!).toFixed(2)})`,
  );
}
const p = median(parseMs);
const c = median(chunkMs);
const mb = totalBytes / 1e6;
console.log(`files ${files.length}, ${mb.toFixed(1)} MB, ${chunks} chunks, ${reps} reps (medians)`);
console.log(`parse only  ${p.toFixed(0)} ms  ${(mb / (p / 1000)).toFixed(1)} MB/s`);
console.log(`chunk       ${c.toFixed(0)} ms  ${(mb / (c / 1000)).toFixed(1)} MB/s`);
console.log(
  `ratio chunk/parse ${(c / p).toFixed(2)} (target <= 1.50); by CPU time ${(median(chunkCpu) / median(parseCpu)).toFixed(2)}; median of per-rep ratios ${median(chunkMs.map((x, i) => x / parseMs[i]!)).toFixed(2)}`,
);
// The floor: what any run must do for the output weft promises, before building a single unit.
const perRep = (i: number) => ({ errors: errorsMs[i]! / parseMs[i]! - 1, index: indexMs[i]! / parseMs[i]! });
const errorsRatio = median(parseMs.map((_, i) => perRep(i).errors));
const indexRatio = median(parseMs.map((_, i) => perRep(i).index));
console.log(
  `floor, as fractions of parse time (medians of per-rep ratios): ERROR search +${errorsRatio.toFixed(2)}, exact token index +${indexRatio.toFixed(2)}; parse + both = ${(1 + errorsRatio + indexRatio).toFixed(2)}x, leaving ${(1.5 - 1 - errorsRatio - indexRatio).toFixed(2)}x of parse time under the 1.5x target for reading the tree, splitting, packing and building chunks`,
);
