import { afterAll, setDefaultTimeout } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadParsers } from "../src/languages/registry.ts";
import { grammarLanguages } from "../src/languages/table.ts";

// bunfig.toml has no test timeout key; worker and parser tests need more than the 5 s default.
// Bun 1.4 applies a preload's setDefaultTimeout to the first test file of a multi-file run only
// (oven-sh/bun#43787): slow test files set their own as well.
setDefaultTimeout(60_000);

// ast-grep allows one registerDynamicLanguage call per process and test files share the process:
// without this, the first test to chunk a few files would decide which grammars every later test
// file can parse. Register them all up front, from a private cache removed at exit.
if (!process.env.WEFT_CACHE_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "weft-test-cache-"));
  process.env.WEFT_CACHE_DIR = join(dir, "cache");
  // (process "exit" listeners do not run at the end of `bun test`; afterAll in a preload does.)
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}
loadParsers(grammarLanguages().map((l) => l.id));
