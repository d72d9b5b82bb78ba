import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requestOnce } from "../../src/execute/spawnWorker.ts";
import { probeLanguages } from "../../src/languages/probe.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import { SAMPLES } from "../../src/languages/samples.ts";
import { grammarLanguages } from "../../src/languages/table.ts";

const ids = grammarLanguages().map((l) => l.id);
const cache = mkdtempSync(join(tmpdir(), "weft-cache-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

test("every grammar language loads, then parses its sample without errors in the main thread and in a worker", async () => {
  process.env.WEFT_CACHE_DIR = cache;
  expect(ids.length).toBeGreaterThanOrEqual(28);
  expect(Object.keys(SAMPLES).sort()).toEqual([...ids].sort());
  const status = loadParsers(ids);
  for (const id of ids) expect({ id, ...status.get(id) }).toMatchObject({ id, ok: true });
  const main = probeLanguages(ids);
  for (const e of main) expect(e).toMatchObject({ id: e.id, ok: true, root: expect.any(String) });
  const res = await requestOnce({ type: "probe", batchId: 7, languages: ids }, 30_000);
  expect(res).toEqual({ type: "probe-result", batchId: 7, languages: main });
});

test("the probe notices a sample that does not parse", () => {
  const [entry] = probeLanguages(["no-such-language"]);
  expect(entry).toMatchObject({ id: "no-such-language", ok: false, error: "no sample to parse" });
});
