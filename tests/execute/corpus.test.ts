import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Executor } from "../../src/execute/executor.ts";
import { createInlineExecutor } from "../../src/execute/inline.ts";
import { createPool } from "../../src/execute/pool.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import { discoverFiles, registerAllGrammars } from "./fixtures.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine.
setDefaultTimeout(120_000);

// Opt-in: the whole corpus from shared/corpus/build-corpus.sh (CI sets WEFT_CORPUS).
const corpus = process.env.WEFT_CORPUS;
const root = corpus ? join(corpus, "src") : "";
const enabled = Boolean(corpus) && existsSync(root);
if (!enabled)
  console.warn(
    `[skip] tests/execute/corpus.test.ts: set WEFT_CORPUS to the corpus directory (e.g. /tmp/weft-corpus) to run it`,
  );

/** sha256 of the results serialized in delivery order, plus the delivered indices' count and the stats. */
async function digest(executor: Executor, files: ReturnType<typeof discoverFiles>) {
  const hasher = new Bun.CryptoHasher("sha256");
  let expected = 0;
  let inOrder = true;
  try {
    const stats = await executor.run(files, DEFAULT_GOVERNOR, (r) => {
      if (r.index !== files[expected++]!.index) inOrder = false;
      hasher.update(`${JSON.stringify(r)}\n`);
    });
    return { hash: hasher.digest("hex"), stats, inOrder, delivered: expected };
  } finally {
    await executor.close();
  }
}

describe.skipIf(!enabled)("whole corpus", () => {
  test("inline, 2 and 3 workers deliver byte-identical results, every file once, in order", async () => {
    registerAllGrammars();
    const files = discoverFiles([root]);
    expect(files.length).toBeGreaterThan(1000);
    const base = await digest(createInlineExecutor(), files);
    expect(base.inOrder).toBe(true);
    expect(base.delivered).toBe(files.length);
    expect(base.stats.chunked + base.stats.skipped + base.stats.failed).toBe(files.length);
    for (const workers of [2, 3]) {
      // Workers are not replaced by default; a 12 MiB budget replaces several, which must not change a byte.
      const run = await digest(createPool({ workers, recycleBytes: 12 * 2 ** 20 }), files);
      expect({ workers, hash: run.hash, inOrder: run.inOrder, delivered: run.delivered }).toEqual({
        workers,
        hash: base.hash,
        inOrder: true,
        delivered: files.length,
      });
      expect({ ...run.stats, executor: "inline", workers: 0, peakBuffered: undefined, recycled: undefined }).toEqual({
        ...base.stats,
        peakBuffered: undefined,
        recycled: undefined,
      });
      expect(run.stats.recycled).toBeGreaterThan(0);
    }
  }, 600_000);
});
