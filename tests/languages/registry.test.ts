import { parse } from "@ast-grep/napi";
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadParsers, napiName } from "../../src/languages/registry.ts";
import { grammarLanguages } from "../../src/languages/table.ts";

test("every grammar language loads and parses in the main thread", () => {
  process.env.WEFT_CACHE_DIR = mkdtempSync(join(tmpdir(), "weft-cache-"));
  const ids = grammarLanguages().map((l) => l.id);
  expect(ids.length).toBeGreaterThanOrEqual(28);
  const status = loadParsers(ids);
  for (const id of ids) {
    expect({ id, ...status.get(id) }).toMatchObject({ id, ok: true });
    expect(parse(napiName(id), "x\n").root().kind()).toBeTruthy();
  }
});
