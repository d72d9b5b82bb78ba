import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { LANGUAGES } from "../../src/languages/table.ts";

test("every definition and container kind is a named node kind of the language's grammar", () => {
  const wrong: string[] = [];
  for (const lang of LANGUAGES) {
    if (!lang.grammar) continue;
    const pkg = lang.grammar.pkg;
    const types = JSON.parse(readFileSync(require.resolve(`${pkg}/src/node-types.json`), "utf8")) as {
      type: string;
      named: boolean;
    }[];
    const named = new Set(types.filter((t) => t.named).map((t) => t.type));
    for (const kind of lang.definitions) if (!named.has(kind)) wrong.push(`${lang.id}: ${kind}`);
    expect(lang.definitions.length).toBeGreaterThan(0);
  }
  expect(wrong).toEqual([]);
});

test("ids are unique and no extension or file name belongs to two languages", () => {
  const ids = new Set<string>();
  const owners = new Map<string, string>();
  const clashes: string[] = [];
  for (const lang of LANGUAGES) {
    expect(ids.has(lang.id)).toBe(false);
    ids.add(lang.id);
    for (const key of [...lang.extensions.map((e) => `.${e}`), ...lang.filenames]) {
      const owner = owners.get(key);
      if (owner) clashes.push(`${key}: ${owner} and ${lang.id}`);
      owners.set(key, lang.id);
    }
  }
  expect(clashes).toEqual([]);
});
