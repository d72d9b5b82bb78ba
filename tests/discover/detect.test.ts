import { describe, expect, test } from "bun:test";
import { contentSkip, HEAD_BYTES } from "../../src/discover/content.ts";
import { detectByName, detectByShebang, knownLanguageIds } from "../../src/discover/detect.ts";
import { LANGUAGES } from "../../src/languages/table.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("language detection", () => {
  test("every extension and file name in the language table is recognised", () => {
    for (const lang of LANGUAGES) {
      for (const name of lang.filenames) expect(detectByName(`dir/${name}`)?.source).toBe("filename");
      for (const ext of lang.extensions) expect(detectByName(`dir/x.${ext}`)).toBeDefined();
    }
  });

  test("extensions: case-insensitive, longest compound first, a leading dot is part of the name", () => {
    expect(detectByName("A.PY")).toEqual({ language: "python", source: "extension" });
    expect(detectByName("lib/x.tar.rs")?.language).toBe("rust");
    expect(detectByName(".py")).toBeUndefined();
    expect(detectByName("README")).toBeUndefined();
  });

  test("--map by extension or exact name beats the table", () => {
    expect(detectByName("x.tpl", { tpl: "html" })).toEqual({ language: "html", source: "map" });
    expect(detectByName("x.py", { py: "text" })).toEqual({ language: "text", source: "map" });
    expect(detectByName("sub/BUILD", { BUILD: "python" })).toEqual({ language: "python", source: "map" });
  });

  test("shebangs", () => {
    const cases: [string, string | undefined][] = [
      ["#!/usr/bin/env python3\n", "python"],
      ["#!/usr/bin/python3.11 -u\n", "python"],
      ["#!/bin/sh\n", "bash"],
      ["#! /bin/bash -e\n", "bash"],
      ["#!/usr/bin/env -S node --no-warnings\n", "javascript"],
      ["#!/usr/bin/env FOO=1 ruby\n", "ruby"],
      ["#!/usr/bin/env\n", undefined],
      ["#!/usr/bin/unknown-interp\n", undefined],
      ["# not a shebang\n", undefined],
      ["", undefined],
    ];
    for (const [head, lang] of cases) expect([head, detectByShebang(bytes(head))]).toEqual([head, lang]);
  });

  test("known ids are the table's plus text", () => {
    expect(knownLanguageIds()).toContain("text");
    expect(knownLanguageIds()).toContain("python");
  });
});

describe("content checks", () => {
  test("binary: NUL bytes, or many control characters, in the head only", () => {
    expect(contentSkip(new Uint8Array([0x41, 0, 0x42]), true)?.reason).toBe("binary");
    expect(contentSkip(new Uint8Array(100).fill(0x01), true)?.reason).toBe("binary");
    expect(contentSkip(bytes("plain\ttext\r\n\x1b[31mred\x1b[0m\n"), true)).toBeUndefined();
    const lateNul = new Uint8Array(HEAD_BYTES + 10).fill(0x41);
    lateNul[HEAD_BYTES + 5] = 0;
    for (let i = 80; i < HEAD_BYTES; i += 81) lateNul[i] = 0x0a;
    expect(contentSkip(lateNul, true)).toBeUndefined();
  });

  test("minified: very long average lines in a large enough head; never with skipMinified off", () => {
    const minified = bytes(`/*! license */\n${"a=1;".repeat(3000)}`);
    expect(contentSkip(minified, true)?.reason).toBe("minified");
    expect(contentSkip(minified, false)).toBeUndefined();
    expect(contentSkip(bytes("x".repeat(3000)), true)).toBeUndefined(); // short one-liner: harmless
    const prose = bytes(`${"word ".repeat(80)}\n\n`.repeat(40)); // soft-wrapped paragraphs
    expect(contentSkip(prose, true)).toBeUndefined();
    // Minifiers that break lines every ~500 characters (lodash.min.js) leave almost no whitespace.
    const broken = bytes(`/**\n * @license\n */\n${`${"return n=t(r[0],e)||u,i[o++];".repeat(17)}\n`.repeat(20)}`);
    expect(contentSkip(broken, true)?.reason).toBe("minified");
    // Long import lines in a hand-written file are not minified.
    const imports = bytes(
      `${`import { ${Array.from({ length: 40 }, (_, i) => `Name${i}`).join(", ")} } from "./x";\n`.repeat(12)}export const y = 1;\n`.repeat(
        3,
      ),
    );
    expect(contentSkip(imports, true)).toBeUndefined();
    expect(contentSkip(bytes("é ünïcödé text\n".repeat(100)), true)).toBeUndefined();
  });
});
