import { expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { EXIT } from "../src/commands/exitCodes.ts";
import { LANGUAGES } from "../src/languages/table.ts";

const README = resolve(import.meta.dir, "../README.md");
const BEGIN = "<!-- languages:begin (generated from src/languages/table.ts by tests/readme.test.ts) -->";
const END = "<!-- languages:end -->";

/** The README's language table, generated from the language table. */
function languagesMarkdown(): string {
  const rows = LANGUAGES.map((l) => {
    const files = [...l.extensions.map((e) => `.${e}`), ...l.filenames].map((f) => `\`${f}\``).join(" ");
    const g = l.grammar;
    const parser = !g
      ? `none (${l.delimiter} delimiters)`
      : g.kind === "builtin"
        ? "built into @ast-grep/napi"
        : `\`${g.pkg}\``;
    const missing = g?.kind === "package" && g.unavailableOn ? g.unavailableOn.join(", ") : "";
    return `| ${l.name} | \`${l.id}\` | ${files} | ${parser} | ${missing} |`;
  });
  return ["| Language | id | Files | Parser | Not available on |", "| --- | --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}

// Run with WEFT_UPDATE_README=1 to rewrite the table after changing src/languages/table.ts.
test("README's language table matches src/languages/table.ts", () => {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const expected = `${BEGIN}\n${languagesMarkdown()}\n${END}`;
  if (process.env.WEFT_UPDATE_README)
    writeFileSync(README, text.slice(0, start) + expected + text.slice(end + END.length));
  else expect(text.slice(start, end + END.length)).toBe(expected);
});

/** The first-column values of the README table that follows `heading`. */
function tableKeys(heading: string): string[] {
  const text = readFileSync(README, "utf8");
  const at = text.indexOf(heading);
  expect(at).toBeGreaterThanOrEqual(0);
  const keys: string[] = [];
  let inTable = false;
  for (const line of text.slice(at).split("\n").slice(1)) {
    if (!line.startsWith("|")) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cell = line.split("|")[1]!.trim();
    if (!/^-+$/.test(cell)) keys.push(cell);
  }
  return keys.slice(1); // the header row
}

test("README's exit code table lists exactly the codes weft uses", () => {
  const documented = tableKeys("## Exit codes").flatMap((k) => k.split("/").map((c) => Number(c.trim())));
  expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
});
