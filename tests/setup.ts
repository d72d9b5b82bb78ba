import { afterAll, setDefaultTimeout } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "../src/languages/cache.ts";
import { registerOracle } from "../src/languages/oracle.ts";
import { loadParsers } from "../src/languages/registry.ts";
import { grammarLanguages } from "../src/languages/table.ts";
import { readerFile } from "../src/tree/readerFile.ts";

// bunfig.toml has no test timeout key; worker and parser tests need more than the 5 s default.
// Bun 1.4 applies a preload's setDefaultTimeout to the first test file of a multi-file run only
// (oven-sh/bun#43787): slow test files set their own as well.
setDefaultTimeout(60_000);

// ast-grep (the oracle) allows one registerDynamicLanguage call per process and test files share
// the process: without this, the first test to register a few grammars would decide which ones
// every later test file can parse with it. Register them all up front, from a private cache
// removed at exit, and load them all through weft's tree reader.
if (!process.env.WEFT_CACHE_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "weft-test-cache-"));
  process.env.WEFT_CACHE_DIR = join(dir, "cache");
  // (process "exit" listeners do not run at the end of `bun test`; afterAll in a preload does.)
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}
// The tree reader library of this machine, as `bun run build` makes it: built (or rebuilt when it
// differs from its pin) before the first test needs it, so `bun test <dir>` alone works too.
const reader = readerFile();
if (reader && (!existsSync(reader.path) || sha256(readFileSync(reader.path)) !== reader.sha256)) {
  const built = Bun.spawnSync([process.execPath, "build/reader.ts"], {
    cwd: join(import.meta.dir, ".."),
    stdout: "inherit",
    stderr: "inherit",
  });
  if (built.exitCode !== 0) throw new Error("bun build/reader.ts failed: the tree reader library is not built");
}
registerOracle(grammarLanguages().map((l) => l.id));
loadParsers(grammarLanguages().map((l) => l.id));
