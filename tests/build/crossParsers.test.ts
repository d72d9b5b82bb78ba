import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildSourceParsers, parserProblems, readPins, type SourceParser } from "../../build/crossParsers.ts";
import { BuildError } from "../../build/error.ts";
import { sha256 } from "../../src/languages/cache.ts";
import { targetById } from "../../src/languages/targets.ts";

// Compiles a real parser with the pinned cross compiler (installed into packaging/cross on first
// use, as `bun run build --target darwin-x64` does). The compiler is a linux-x86_64 program.
const dir = mkdtempSync(join(tmpdir(), "weft-cross-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const darwinX64 = targetById("darwin-x64")!;
const tomlDir = dirname(createRequire(import.meta.url).resolve("@ast-grep/lang-toml/package.json"));
const toml = (pin: string): SourceParser => ({
  id: "toml",
  path: join(dir, "toml.so"),
  sha256: pin,
  source: { pkgDir: tomlDir, symbol: "tree_sitter_toml" },
});

describe.skipIf(process.platform !== "linux" || process.arch !== "x64")(
  "a parser built from its package's C sources",
  () => {
    const pinned = readPins()["darwin-x64"]!.toml!;

    test("comes out byte for byte as pinned, as a macOS x64 library exporting its symbol and needing only libSystem", async () => {
      await buildSourceParsers(darwinX64, [toml(pinned)], false);
      const bytes = readFileSync(join(dir, "toml.so"));
      expect(sha256(bytes)).toBe(pinned);
      expect(parserProblems(darwinX64, "tree_sitter_toml", bytes, true)).toEqual([]);
      expect(parserProblems(darwinX64, "tree_sitter_json", bytes, true)).toEqual(["does not export _tree_sitter_json"]);
      expect(parserProblems(targetById("linux-arm64")!, "tree_sitter_toml", bytes, true)).toEqual([
        "is a macho x64 library, not elf arm64",
        "links /usr/lib/libSystem.B.dylib (only libc.so.6 is allowed)",
      ]);
    }, 120_000);

    test("is refused when its bytes differ from the pin, and the file in place is left alone", async () => {
      writeFileSync(join(dir, "toml.so"), "stale");
      const wrong = "0".repeat(64);
      let error: unknown;
      await buildSourceParsers(darwinX64, [toml(wrong)], false).catch((err: unknown) => (error = err));
      expect(error).toBeInstanceOf(BuildError);
      expect((error as Error).message).toContain(
        `toml: built file has sha256 ${pinned}, but packaging/cross/parsers.json pins ${wrong}`,
      );
      expect(readFileSync(join(dir, "toml.so"), "utf8")).toBe("stale");
    }, 120_000);
  },
);
