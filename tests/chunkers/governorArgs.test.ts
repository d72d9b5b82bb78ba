import { describe, expect, test } from "bun:test";
import { governorFromArgs } from "../../src/chunkers/governorArgs.ts";
import { MODELS } from "../../src/chunkers/models.ts";
import { WeftError } from "../../src/model/errors.ts";

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof WeftError && err.code === "usage") return err.message;
    throw err;
  }
  throw new Error("no usage error");
};

describe("governorFromArgs", () => {
  test("defaults: 512 o200k tokens, no context, no overlap", () => {
    expect(governorFromArgs({})).toEqual({ maxTokens: 512, tokenizer: "o200k", context: false, overlapLines: 0 });
  });
  test("flags and model presets", () => {
    expect(governorFromArgs({ "max-tokens": "256", tokenizer: "chars", context: true, "overlap-lines": "3" })).toEqual({
      maxTokens: 256,
      tokenizer: "chars",
      context: true,
      overlapLines: 3,
    });
    expect(governorFromArgs({ model: "text-embedding-3-small" })).toMatchObject({
      maxTokens: 8191,
      tokenizer: "cl100k",
    });
    expect(governorFromArgs({ model: "bge-small-en-v1.5", "max-tokens": "300" })).toMatchObject({
      maxTokens: 300,
      tokenizer: "chars",
    });
    expect(MODELS.length).toBeGreaterThanOrEqual(5);
  });
  test("bad values are one-line usage errors naming the flag", () => {
    expect(usage(() => governorFromArgs({ "max-tokens": "abc" }))).toBe(
      "--max-tokens must be an integer from 16 to 100000000, got 'abc'",
    );
    expect(usage(() => governorFromArgs({ "max-tokens": "8" }))).toMatch(/--max-tokens/);
    expect(usage(() => governorFromArgs({ tokenizer: "p50k" }))).toMatch(/unknown --tokenizer 'p50k'/);
    expect(usage(() => governorFromArgs({ model: "nope" }))).toMatch(/unknown --model 'nope'/);
    expect(usage(() => governorFromArgs({ model: "all-MiniLM-L6-v2", "max-tokens": "1000" }))).toMatch(
      /from 16 to 254/,
    );
    expect(usage(() => governorFromArgs({ "overlap-lines": "-1" }))).toMatch(/--overlap-lines/);
    for (const raw of [" 16", "16 ", "+16", "0x10", "1e2", "16.0"])
      expect(usage(() => governorFromArgs({ "max-tokens": raw }))).toBe(
        `--max-tokens must be an integer from 16 to 100000000, got '${raw}'`,
      );
  });
});
