import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { BuildError, parsersFor } from "../../build.ts";
import { readPins, sourceParserPath } from "../../build/crossParsers.ts";
import type { LanguageSpec } from "../../src/languages/spec.ts";
import { languageById, LANGUAGES } from "../../src/languages/table.ts";
import { TARGETS, targetById } from "../../src/languages/targets.ts";

const packaged = LANGUAGES.filter((l) => l.grammar?.kind === "package");

describe("each release target's parsers, as build.ts plans them", () => {
  const pins = readPins();
  for (const target of TARGETS) {
    test(`${target.id}: every package grammar is embedded (prebuilt, or built from source with a pinned sha256), none is missing`, () => {
      const { parsers, declaredMissing } = parsersFor(target);
      expect(declaredMissing).toEqual([]);
      expect(parsers.map((p) => p.id).sort()).toEqual(packaged.map((l) => l.id).sort());
      for (const p of parsers) {
        if (p.source) {
          expect(p.path).toBe(sourceParserPath(target.id, p.id));
          expect(p.sha256).toBe(pins[target.id]![p.id]!);
          expect(existsSync(`${p.source.pkgDir}/src/parser.c`)).toBe(true);
        } else {
          expect(p.path).toContain(`/prebuilds/${target.prebuild}/parser.so`);
        }
        expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    });
  }

  test("the parsers built from source are the ones the packages do not publish", () => {
    const built = Object.fromEntries(
      TARGETS.map((t) => [
        t.id,
        parsersFor(t)
          .parsers.filter((p) => p.source)
          .map((p) => p.id)
          .sort(),
      ]),
    );
    expect(built).toEqual({
      "linux-x64": [],
      "linux-arm64": ["angular", "css", "haskell", "markdown", "toml"],
      "darwin-arm64": [],
      "darwin-x64": ["angular", "css", "haskell", "json", "markdown", "toml"],
      "windows-x64": [],
    });
  });
});

describe("the build refuses to drop a parser silently", () => {
  const spec = (id: string, patch: Partial<Extract<LanguageSpec["grammar"], { kind: "package" }>>): LanguageSpec => {
    const base = languageById(id)!;
    return {
      ...base,
      grammar: { ...(base.grammar as Extract<LanguageSpec["grammar"], { kind: "package" }>), ...patch },
    };
  };
  const message = (fn: () => unknown) => {
    try {
      fn();
      return "no error";
    } catch (err) {
      return err instanceof BuildError ? err.message : `unexpected ${String(err)}`;
    }
  };

  test("a parser missing for a target, neither pinned nor declared, fails the build and names both fixes", () => {
    const msg = message(() => parsersFor(targetById("linux-arm64")!, [languageById("markdown")!], {}));
    expect(msg).toContain("markdown: ");
    expect(msg).toContain(
      "prebuild-Linux-ARM64/parser.so is missing; build it from the package's sources (WEFT_UPDATE_PARSER_HASHES=1 bun run build --target linux-arm64 records its sha256), or declare it unavailable on linux-arm64",
    );
  });
  test("a declaration that is no longer true fails the build", () => {
    expect(
      message(() => parsersFor(targetById("linux-x64")!, [spec("python", { unavailableOn: ["linux-x64"] })])),
    ).toContain("declared unavailable on linux-x64 but");
  });
  test("a pin for a parser the package now publishes, or for one also declared unavailable, fails the build", () => {
    expect(
      message(() =>
        parsersFor(targetById("linux-x64")!, [languageById("python")!], { "linux-x64": { python: "0".repeat(64) } }),
      ),
    ).toContain("python: ");
    expect(
      message(() =>
        parsersFor(targetById("linux-x64")!, [languageById("python")!], { "linux-x64": { python: "0".repeat(64) } }),
      ),
    ).toContain("exists now; remove its linux-x64 hash from packaging/cross/parsers.json");
    expect(
      message(() => parsersFor(targetById("linux-arm64")!, [spec("toml", { unavailableOn: ["linux-arm64"] })])),
    ).toContain("toml: declared unavailable on linux-arm64 but its hash is pinned");
  });
  test("a package that is not installed fails the build", () => {
    expect(
      message(() => parsersFor(targetById("linux-x64")!, [spec("python", { pkg: "@ast-grep/lang-nonexistent" })])),
    ).toContain("@ast-grep/lang-nonexistent is not installed");
  });
  test("a prebuilt parser.so of another platform fails the build", () => {
    // The darwin-x64 target reading the package's linux-x64 file, as a wrong folder name would.
    const darwinX64 = { ...targetById("darwin-x64")!, prebuild: "prebuild-Linux-X64" };
    expect(message(() => parsersFor(darwinX64, [languageById("python")!]))).toContain(
      "prebuild-Linux-X64/parser.so is a elf x64 library, not macho x64",
    );
  });
});
