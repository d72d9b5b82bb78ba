import { expect, test } from "bun:test";
import type { Chunk } from "../../src/model/chunk.ts";
import { renderPreview } from "../../src/output/preview.ts";

const chunk = (over: Partial<Chunk>): Chunk => ({
  id: "x",
  content_hash: "0".repeat(64),
  path: "legacy.c",
  language: "c",
  strategy: "delimiter",
  index: 0,
  count: 1,
  byte_start: 0,
  byte_end: 10,
  line_start: 1,
  line_end: 1,
  tokens: 6,
  kinds: [],
  symbols: [],
  scope: [],
  partial: false,
  has_error: false,
  content: "/* \uFFFDt\uFFFD */\n",
  ...over,
});

test("the header says how many invalid UTF-8 sequences the content shows as U+FFFD", () => {
  const two = chunk({
    invalid_utf8: [
      { byte_start: 3, byte_end: 4, hex: "e9" },
      { byte_start: 5, byte_end: 6, hex: "e9" },
    ],
  });
  expect(renderPreview([two])).toBe(
    "── legacy.c  chunk 1/1  lines 1-1  bytes 0-10  6 tokens  (delimiter, 2 invalid UTF-8 sequences shown as U+FFFD)\n  1 │ /* \uFFFDt\uFFFD */\n",
  );
  const one = chunk({ content: "\uFFFD\n", byte_end: 2, invalid_utf8: [{ byte_start: 0, byte_end: 1, hex: "ff" }] });
  expect(renderPreview([one]).split("\n")[0]).toEndWith("(delimiter, 1 invalid UTF-8 sequence shown as U+FFFD)");
  expect(renderPreview([chunk({ content: "ok\n", byte_end: 3 })]).split("\n")[0]).toEndWith("(delimiter)");
});
