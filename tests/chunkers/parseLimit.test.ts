import { describe, expect, test } from "bun:test";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { languageById } from "../../src/languages/table.ts";
import { PARSE_LIMIT_BYTES, selectForFile, selectForLanguage } from "../../src/chunkers/select.ts";
import { fileOf, gov } from "../chunkers/check.ts";

describe("parse limit", () => {
  test("a file above the limit gets delimiter rules with the size in the reason; at the limit it is parsed", () => {
    const ts = languageById("typescript")!;
    expect(selectForFile(ts, PARSE_LIMIT_BYTES)).toEqual(selectForLanguage(ts));
    expect(selectForFile(ts, PARSE_LIMIT_BYTES + 1)).toEqual({
      strategy: "delimiter",
      reason: "2.0 MiB is above the 2 MiB parse limit: brace rules",
    });
    // Files that would not be parsed anyway keep their own reason.
    expect(selectForFile(languageById("perl"), 10 * PARSE_LIMIT_BYTES)).toEqual(
      selectForLanguage(languageById("perl")),
    );
    expect(selectForFile(undefined, 10 * PARSE_LIMIT_BYTES).strategy).toBe("text");
  });

  test("a real file above the limit is chunked losslessly by the delimiter chunker", () => {
    const line = "export function f(a: number): number { return a + 1; }\n";
    const text = line.repeat(Math.ceil((PARSE_LIMIT_BYTES + 1) / line.length));
    const bytes = new TextEncoder().encode(text);
    const r = chunkFile(fileOf("big.ts", "typescript"), bytes, gov());
    if (r.status !== "chunked") throw new Error(`expected chunks, got ${r.status}`);
    expect(r.strategy).toBe("delimiter");
    expect(r.reason).toContain("parse limit");
    expect(r.chunks.map((c) => c.content).join("")).toBe(text);
  });
});
