import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { COMMANDS, MAIN_OPTIONS } from "../src/commands/options.ts";
import { EXIT } from "../src/commands/exitCodes.ts";
import { LANGUAGES } from "../src/languages/table.ts";
import type { OptionTable } from "../src/model/optionTable.ts";

// The README is for newcomers; every detail is in docs/ (issue 25 point 6). The tables the tests
// read live where a reader looks for them: exit codes in README.md, languages in docs/languages.md,
// options in docs/options.md, skip reasons in docs/discovery.md (tests/discover/skipReasons.test.ts).
const ROOT = resolve(import.meta.dir, "..");
const README = resolve(ROOT, "README.md");
const DOCS = resolve(ROOT, "docs");
const README_MAX_BYTES = 12_500;
// GitHub's releases page: a file's `../` links resolve from github.com/OWNER/weft/blob/<ref>/.
const RELEASES = resolve(ROOT, "../../releases");

/** Replace or check the generated block between `begin` and `end` in `file` (WEFT_UPDATE_README=1 rewrites it). */
function checkGenerated(file: string, begin: string, end: string, body: string): void {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(stop).toBeGreaterThan(start);
  const expected = `${begin}\n${body}\n${end}`;
  if (process.env.WEFT_UPDATE_README)
    writeFileSync(file, text.slice(0, start) + expected + text.slice(stop + end.length));
  else expect(text.slice(start, stop + end.length)).toBe(expected);
}

/** The language table, generated from the language table. */
function languagesMarkdown(): string {
  const rows = LANGUAGES.map((l) => {
    const files = [...l.extensions.map((e) => `.${e}`), ...l.filenames].map((f) => `\`${f}\``).join(" ");
    const g = l.grammar;
    const parser = !g ? `none (${l.delimiter} delimiters)` : `\`${g.pkg}\``;
    const missing = g?.kind === "package" && g.unavailableOn ? g.unavailableOn.join(", ") : "";
    return `| ${l.name} | \`${l.id}\` | ${files} | ${parser} | ${missing} |`;
  });
  return ["| Language | id | Files | Parser | Not available on |", "| --- | --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}

/** Text for a Markdown table cell: a `|` would end the cell, even inside code. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

/** One row per option of `command` (`weft` for the main options), in the table's order. */
function optionRows(command: string, table: OptionTable): string[] {
  const rows: string[] = [];
  for (const [name, def] of Object.entries(table)) {
    if (def.type === "positional") continue;
    const alias = def.alias ? `\`-${def.alias}\`, ` : "";
    if (def.type === "boolean") {
      const on = def.default === true;
      const spelling = on ? `\`--${name}\`, \`--no-${name}\`` : `${alias}\`--${name}\``;
      const what =
        on && def.negativeDescription
          ? `${def.description}; \`--no-${name}\`: ${def.negativeDescription}`
          : def.description;
      rows.push(`| \`${command}\` | ${spelling} | ${on ? "on" : "off"} | ${cell(what)} |`);
    } else {
      const hint = def.valueHint ? ` ${def.valueHint}` : " VALUE";
      const dflt = def.default === undefined ? "" : `\`${def.default}\``;
      rows.push(`| \`${command}\` | ${alias}${cell(`\`--${name}${hint}\``)} | ${dflt} | ${cell(def.description)} |`);
    }
  }
  return rows;
}

/** Every command's options, generated from src/commands/options.ts (the table argv is parsed with). */
function optionsMarkdown(): string {
  const rows = [
    ...optionRows("weft", MAIN_OPTIONS),
    ...Object.entries(COMMANDS).flatMap(([name, c]) => optionRows(`weft ${name}`, c.options)),
  ];
  return ["| Command | Option | Default | What it does |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

// Run with WEFT_UPDATE_README=1 to rewrite the tables after changing src/languages/table.ts or
// src/commands/options.ts.
test("docs/languages.md's language table matches src/languages/table.ts", () => {
  checkGenerated(
    resolve(DOCS, "languages.md"),
    "<!-- languages:begin (generated from src/languages/table.ts by tests/readme.test.ts) -->",
    "<!-- languages:end -->",
    languagesMarkdown(),
  );
});

test("docs/options.md's option table matches src/commands/options.ts", () => {
  checkGenerated(
    resolve(DOCS, "options.md"),
    "<!-- options:begin (generated from src/commands/options.ts by tests/readme.test.ts) -->",
    "<!-- options:end -->",
    optionsMarkdown(),
  );
});

/** The first-column values of the Markdown table that follows `heading` in `file`. */
function tableKeys(file: string, heading: string): string[] {
  const text = readFileSync(file, "utf8");
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
  const documented = tableKeys(README, "## Exit codes").flatMap((k) => k.split("/").map((c) => Number(c.trim())));
  expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
});

test("README's command table lists every command", () => {
  const documented = tableKeys(README, "## Commands").join(" ");
  for (const name of Object.keys(COMMANDS)) expect(documented).toContain(`\`weft ${name}`);
  for (const name of Object.keys(MAIN_OPTIONS)) expect(documented).toContain(`--${name}`);
});

test(`README.md stays short: under ${README_MAX_BYTES} bytes (details go to docs/)`, () => {
  expect(Buffer.byteLength(readFileSync(README))).toBeLessThan(README_MAX_BYTES);
});

const DOC_FILES = readdirSync(DOCS)
  .filter((f) => f.endsWith(".md"))
  .sort();

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a Markdown file's headings (outside code blocks), with GitHub's -1, -2 for repeats. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The relative links (`[text](target)`) of a Markdown file, code blocks and spans left out. */
function relativeLinks(file: string): string[] {
  const text = readFileSync(file, "utf8")
    .replace(/^```[\s\S]*?^```/gm, "")
    .replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
}

test("every docs/*.md is linked from the README, and every docs link there resolves", () => {
  const links = relativeLinks(README).filter((t) => t.startsWith("docs/"));
  const linked = new Set(links.map((t) => t.split("#")[0]!.slice("docs/".length)));
  expect(DOC_FILES.length).toBeGreaterThan(0);
  expect([...linked].sort()).toEqual(DOC_FILES);
});

test("every relative link in README.md and docs/*.md leads to a file, and its #anchor to a heading there", () => {
  const broken: string[] = [];
  for (const file of [README, ...DOC_FILES.map((f) => resolve(DOCS, f))]) {
    for (const target of relativeLinks(file)) {
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const to = path === "" ? file : resolve(dirname(file), path);
      if (to === RELEASES) continue;
      const where = `${relative(ROOT, file)}: ${target}`;
      if (!existsSync(to)) broken.push(`${where} (no such file)`);
      else if (anchor !== undefined && to.endsWith(".md") && !anchors(to).has(anchor))
        broken.push(`${where} (no such heading)`);
    }
  }
  expect(broken).toEqual([]);
});
