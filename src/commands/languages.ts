import { defineCommand } from "citty";
import { loadParsers } from "../languages/registry.ts";
import { LANGUAGES } from "../languages/table.ts";

/** One row of `weft languages`: what weft knows about a language and whether its parser loads now. */
export type LanguageRow = {
  id: string;
  name: string;
  extensions: string[];
  filenames: string[];
  parser: string;
  loads: boolean;
  error?: string;
};

/** Rows for every known language, loading every grammar to report its real status. */
export function languageRows(): LanguageRow[] {
  const status = loadParsers(LANGUAGES.filter((l) => l.grammar).map((l) => l.id));
  return LANGUAGES.map((l) => {
    const st = status.get(l.id);
    const parser = !l.grammar ? `none (${l.delimiter} delimiter)` : l.grammar.kind === "builtin" ? "builtin" : l.grammar.pkg;
    const row: LanguageRow = { id: l.id, name: l.name, extensions: l.extensions, filenames: l.filenames, parser, loads: st?.ok ?? false };
    if (st && !st.ok) row.error = st.error;
    return row;
  });
}

export default defineCommand({
  meta: { name: "languages", description: "List every language weft knows and whether its parser loads" },
  args: { json: { type: "boolean", description: "Print JSON instead of a table" } },
  run({ args }) {
    const rows = languageRows();
    if (args.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const lines = rows.map((r) => [r.id, r.parser.startsWith("none") ? "-" : r.loads ? "ok" : `FAILED: ${r.error}`, r.parser, r.extensions.map((e) => `.${e}`).concat(r.filenames).join(" ")]);
    const widths = [0, 1, 2].map((i) => Math.max(...lines.map((l) => l[i]!.length), 8));
    const head = ["language", "status", "parser", "files"];
    for (const l of [head, ...lines]) process.stdout.write(`${l.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join("  ")}\n`);
  },
});
