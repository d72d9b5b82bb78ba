import { describe, expect, test } from "bun:test";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { languageById, LANGUAGES } from "../../src/languages/table.ts";
import { selectForLanguage } from "../../src/chunkers/select.ts";
import { fileOf, gov } from "../chunkers/check.ts";

describe("selector", () => {
  test("semantic with a grammar, delimiter without one, text for unknown files", () => {
    expect(selectForLanguage(languageById("python")).strategy).toBe("semantic");
    expect(selectForLanguage(languageById("perl"))).toEqual({
      strategy: "delimiter",
      reason: "no Perl grammar: brace rules",
    });
    expect(selectForLanguage(undefined).strategy).toBe("text");
  });

  test("the strategy and reason reach the file result", () => {
    const r = chunkFile(fileOf("x.rb", "ruby"), new TextEncoder().encode("def f\n  1\nend\n"), gov());
    expect(r).toMatchObject({ status: "chunked", strategy: "semantic", reason: "Ruby grammar" });
    const t = chunkFile(fileOf("notes", "text"), new TextEncoder().encode("hello\n"), gov());
    expect(t).toMatchObject({ status: "chunked", strategy: "text" });
  });

  test("at least 40 more languages by extension without a grammar than with one", () => {
    const withGrammar = LANGUAGES.filter((l) => l.grammar);
    const delimiterOnly = LANGUAGES.filter((l) => !l.grammar && l.extensions.length > 0);
    expect(delimiterOnly.length - withGrammar.length).toBeGreaterThanOrEqual(40);
  });
});
