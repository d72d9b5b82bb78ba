import { expect, test } from "bun:test";
import { utf8Length, utf8Width } from "../../src/tokenize/utf8Length.ts";

const encoder = new TextEncoder();

test("utf8Length equals the encoder's byte count on ASCII, 2- and 3-byte letters, astral characters and ZWJ sequences", () => {
  for (const s of [
    "",
    "plain ascii\n",
    "naïve café",
    "日本語のコード",
    "🧵🪡 👩🏽‍💻",
    "a\u0000b\u007f\u0080\u07ff\u0800\uffff",
    "\uFEFFbom",
  ]) {
    expect({ s, n: utf8Length(s) }).toEqual({ s, n: encoder.encode(s).length });
  }
});

test("utf8Width counts a surrogate pair on its high half", () => {
  expect([utf8Width(0x41), utf8Width(0xe9), utf8Width(0x65e5), utf8Width("🧵".charCodeAt(0))]).toEqual([1, 2, 3, 4]);
});
