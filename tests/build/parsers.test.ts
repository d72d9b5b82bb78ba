import { describe, expect, test } from "bun:test";
import { BuildError, parsersFor } from "../../build.ts";
import type { LanguageSpec } from "../../src/languages/spec.ts";
import { languageById, LANGUAGES } from "../../src/languages/table.ts";
import { TARGETS, targetById } from "../../src/languages/targets.ts";

const packaged = LANGUAGES.filter((l) => l.grammar?.kind === "package");

describe("each release target's parsers, as build.ts plans them", () => {
  for (const target of TARGETS) {
    test(`${target.id}: every package grammar is embedded or declared unavailable, and declarations are true`, () => {
      const { parsers, declaredMissing } = parsersFor(target);
      expect([...parsers.map((p) => p.id), ...declaredMissing].sort()).toEqual(packaged.map((l) => l.id).sort());
      const declared = packaged.filter((l) => l.grammar?.kind === "package" && l.grammar.unavailableOn?.includes(target.id)).map((l) => l.id);
      expect(declaredMissing.sort()).toEqual(declared.sort());
      for (const p of parsers) {
        expect(p.path).toContain(`/prebuilds/${target.prebuild}/parser.so`);
        expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    });
  }
});

describe("the build refuses to drop a parser silently", () => {
  const spec = (id: string, patch: Partial<Extract<LanguageSpec["grammar"], { kind: "package" }>>): LanguageSpec => {
    const base = languageById(id)!;
    return { ...base, grammar: { ...(base.grammar as Extract<LanguageSpec["grammar"], { kind: "package" }>), ...patch } };
  };
  const message = (fn: () => unknown) => {
    try {
      fn();
      return "no error";
    } catch (err) {
      return err instanceof BuildError ? err.message : `unexpected ${String(err)}`;
    }
  };

  test("a parser missing for a target without a declaration fails the build", () => {
    expect(message(() => parsersFor(targetById("linux-arm64")!, [spec("markdown", { unavailableOn: [] })]))).toContain("markdown: ");
    expect(message(() => parsersFor(targetById("linux-arm64")!, [spec("markdown", { unavailableOn: [] })]))).toContain("is missing and not declared unavailable on linux-arm64");
  });
  test("a declaration that is no longer true fails the build", () => {
    expect(message(() => parsersFor(targetById("linux-x64")!, [spec("python", { unavailableOn: ["linux-x64"] })]))).toContain("declared unavailable on linux-x64 but");
  });
  test("a package that is not installed fails the build", () => {
    expect(message(() => parsersFor(targetById("linux-x64")!, [spec("python", { pkg: "@ast-grep/lang-nonexistent" })]))).toContain("@ast-grep/lang-nonexistent is not installed");
  });
});
