// Property tests on the real corpus (/work/shared/corpus/build-corpus.sh). Opt-in: set WEFT_CORPUS
// (to 1, or to the corpus root); skipped with a visible message otherwise.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { detectByName } from "../../src/discover/detect.ts";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import { grammarLanguages } from "../../src/languages/table.ts";
import type { Chunk } from "../../src/model/chunk.ts";
import type { Governor, TokenizerId } from "../../src/model/governor.ts";
import type { FileResult } from "../../src/model/result.ts";
import type { Strategy } from "../../src/model/selection.ts";
import { tokenizerFor } from "../../src/tokenize/tokenizer.ts";
import { fileOf, gov, problems } from "./check.ts";
import { definitionExtents, integrity } from "./definitions.ts";

const env = process.env.WEFT_CORPUS;
const ROOT = env && env !== "1" && env !== "true" ? env : "/tmp/weft-corpus";
const SRC = `${ROOT}/src`;
const enabled = env !== undefined && existsSync(SRC);
if (!enabled)
  console.warn(
    `corpus tests SKIPPED: set WEFT_CORPUS=1 (corpus at ${SRC}, built by /work/shared/corpus/build-corpus.sh)`,
  );

type Input = { path: string; language: string; bytes: Uint8Array };
const load = (glob: string): Input[] =>
  [...new Bun.Glob(glob).scanSync({ cwd: SRC, onlyFiles: true })].sort().map((path) => ({
    path,
    language: detectByName(path)?.language ?? "text",
    bytes: new Uint8Array(readFileSync(`${SRC}/${path}`)),
  }));
const all = enabled ? load("**/*") : [];
// As chunkFile decodes: invalid sequences as U+FFFD, the BOM kept.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
// Parse trees are freed only when the event loop turns: yield every few files.
const breathe = (i: number) => (i % 16 === 15 ? Bun.sleep(0) : undefined);

function chunked(r: FileResult): Chunk[] {
  if (r.status !== "chunked")
    throw new Error(`${r.status === "failed" ? r.failure.path : r.path}: ${JSON.stringify(r)}`);
  return r.chunks;
}

describe.skipIf(!enabled)("corpus", () => {
  test("every file, every strategy: lossless tiling, exact byte and line ranges, exact counts", async () => {
    loadParsers(grammarLanguages().map((l) => l.id));
    const governor = gov();
    const bad: string[] = [];
    const withInvalid = new Set<string>();
    let i = 0;
    for (const strategy of [undefined, "delimiter", "text"] as (Strategy | undefined)[]) {
      for (const f of all) {
        const file = fileOf(f.path, f.language, f.bytes.length);
        const r = chunkFile(file, f.bytes, governor, strategy);
        if (r.status !== "chunked") {
          bad.push(`${f.path}: ${JSON.stringify(r)}`);
          continue;
        }
        for (const p of problems(f.bytes, r.chunks, governor, strategy === undefined))
          bad.push(`${strategy ?? "selected"} ${f.path}: ${p}`);
        if (r.chunks.some((c) => c.invalid_utf8)) withInvalid.add(f.path);
        await breathe(i++);
      }
    }
    expect(all.length).toBeGreaterThan(3000);
    expect(bad.slice(0, 20)).toEqual([]);
    // The corpus's two ELF binaries (discovery would skip them for their NUL bytes) are not UTF-8.
    expect([...withInvalid].sort()).toEqual(["pathological/binary_elf.py", "pathological/binary_elf.ts"]);
  }, 600_000);

  test("no chunk over budget under any tokenizer, budgets 64/256/512/2048 (sampled files)", async () => {
    const sample = all.filter((_, k) => k % 20 === 0);
    const over: string[] = [];
    let i = 0;
    for (const tokenizer of ["o200k", "cl100k", "chars", "bytes"] as TokenizerId[]) {
      const tk = tokenizerFor(tokenizer);
      for (const maxTokens of [64, 256, 512, 2048]) {
        const governor: Governor = { maxTokens, tokenizer, context: maxTokens === 256, overlapLines: 0 };
        for (const f of sample) {
          const cs = chunked(chunkFile(fileOf(f.path, f.language, f.bytes.length), f.bytes, governor));
          for (const c of cs) {
            const n = tk.count((c.context ?? "") + c.content);
            if (n > maxTokens || n !== c.tokens)
              over.push(`${tokenizer}/${maxTokens} ${f.path}#${c.index}: ${n} (field ${c.tokens})`);
          }
          if (cs.map((c) => c.content).join("") !== utf8.decode(f.bytes))
            over.push(`${tokenizer}/${maxTokens} ${f.path}: not lossless`);
          await breathe(i++);
        }
      }
    }
    expect(sample.length).toBeGreaterThan(150);
    expect(over.slice(0, 20)).toEqual([]);
  }, 600_000);

  test("definition integrity >= 99.9% and chunk count <= 1.4x ideal on Python, TypeScript, Go at 512 tokens", async () => {
    const tk = tokenizerFor("o200k");
    const governor = gov(512);
    const report: string[] = [];
    let i = 0;
    for (const language of ["python", "typescript", "go"]) {
      let eligible = 0;
      let whole = 0;
      let chunks = 0;
      let ideal = 0;
      const broken: string[] = [];
      for (const f of all.filter((x) => x.language === language)) {
        const text = utf8.decode(f.bytes);
        const cs = chunked(chunkFile(fileOf(f.path, f.language, f.bytes.length), f.bytes, governor));
        chunks += cs.length;
        ideal += Math.ceil(tk.count(text) / 512);
        const bounds: number[] = [0];
        for (const c of cs) bounds.push(bounds[bounds.length - 1]! + c.content.length);
        const fits = (s: number, e: number) => tk.count(text.slice(s, e)) <= 512;
        const r = integrity(text, definitionExtents(language, text), bounds, fits);
        eligible += r.eligible;
        whole += r.whole;
        for (const line of r.broken) if (broken.length < 5) broken.push(`${f.path}:${line}`);
        await breathe(i++);
      }
      const share = whole / eligible;
      const ratio = chunks / ideal;
      report.push(
        `${language}: integrity ${(share * 100).toFixed(3)}% (${whole}/${eligible}), chunks ${chunks} / ideal ${ideal} = ${ratio.toFixed(3)}x; first broken: ${broken.join(", ")}`,
      );
      expect({ language, integrityOk: share >= 0.999, ratioOk: ratio <= 1.4 }).toEqual({
        language,
        integrityOk: true,
        ratioOk: true,
      });
    }
    console.log(report.join("\n"));
  }, 600_000);

  test("determinism: the same files give the same bytes", () => {
    const sample = all.filter((_, k) => k % 50 === 0);
    const once = () =>
      sample.map((f) =>
        JSON.stringify(
          chunkFile(
            fileOf(f.path, f.language, f.bytes.length),
            f.bytes,
            gov(256, "o200k", { context: true, overlapLines: 2 }),
          ),
        ),
      );
    expect(once()).toEqual(once());
  }, 600_000);
});
