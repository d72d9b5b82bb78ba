import { requestOnce } from "../execute/spawnWorker.ts";
import { probeLanguages, type ProbeEntry } from "../languages/probe.ts";
import { loadParsers } from "../languages/registry.ts";
import { LANGUAGES } from "../languages/table.ts";
import { errorMessage } from "../model/errors.ts";
import type { JsonArgs } from "./commandOptions.ts";
import type { Outcome } from "./exitCodes.ts";

/** Result of loading a parser and parsing the language's sample in one thread. */
export type ThreadCheck = { ok: boolean; root?: string; error?: string };

/** One row of `weft languages`: what weft knows about a language and whether its parser works now. */
export type LanguageRow = {
  id: string;
  name: string;
  extensions: string[];
  filenames: string[];
  /** The @ast-grep/lang-* package, or "none" (delimiter chunker only). */
  parser: string;
  /** The tree-sitter runtime weft's tree reader reads this grammar with, e.g. "tree-sitter 0.25.1". */
  runtime?: string;
  /** The tree-sitter ABI the grammar was generated for (within the runtime's range, or it does not load). */
  abi?: number;
  /** ok: loads and parses its sample in the main thread and in a worker; unavailable: declared missing on this platform. */
  status: "ok" | "failed" | "unavailable" | "no-grammar";
  main?: ThreadCheck;
  worker?: ThreadCheck;
  error?: string;
};

const WORKER_TIMEOUT_MS = 30_000;

/** Rows for every known language: loads every grammar, then parses each sample in this thread and in a Bun Worker. */
export async function languageRows(): Promise<LanguageRow[]> {
  const ids = LANGUAGES.filter((l) => l.grammar).map((l) => l.id);
  const status = loadParsers(ids);
  const loaded = ids.filter((id) => status.get(id)?.ok);
  const inMain = new Map(probeLanguages(loaded).map((e) => [e.id, e]));
  const inWorker = await probeInWorker(loaded);
  return LANGUAGES.map((l): LanguageRow => {
    const base = { id: l.id, name: l.name, extensions: l.extensions, filenames: l.filenames };
    if (!l.grammar) return { ...base, parser: "none", status: "no-grammar" };
    const parser = l.grammar.pkg;
    const st = status.get(l.id);
    if (!st || !st.ok)
      return { ...base, parser, status: st?.unavailable ? "unavailable" : "failed", error: st?.error ?? "not loaded" };
    const main = check(inMain.get(l.id));
    const worker = check(inWorker.get(l.id));
    const ok = main.ok && worker.ok;
    const row: LanguageRow = {
      ...base,
      parser,
      runtime: st.runtime,
      abi: st.abi,
      status: ok ? "ok" : "failed",
      main,
      worker,
    };
    if (!ok) row.error = main.ok ? `in worker: ${worker.error}` : `in main thread: ${main.error}`;
    return row;
  });
}

function check(e: ProbeEntry | undefined): ThreadCheck {
  if (!e) return { ok: false, error: "not probed" };
  return { ok: e.ok, ...(e.root ? { root: e.root } : {}), ...(e.error ? { error: e.error } : {}) };
}

/** Runs the same probe inside a real Bun Worker; a worker that dies or hangs fails every language with its reason. */
async function probeInWorker(ids: string[]): Promise<Map<string, ProbeEntry>> {
  if (ids.length === 0) return new Map();
  try {
    const res = await requestOnce({ type: "probe", batchId: 0, languages: ids }, WORKER_TIMEOUT_MS);
    if (res.type === "probe-result") return new Map(res.languages.map((e) => [e.id, e]));
    const why = res.type === "error" ? res.message : `unexpected ${res.type} message`;
    return new Map(ids.map((id) => [id, { id, ok: false, error: why }]));
  } catch (err) {
    return new Map(ids.map((id) => [id, { id, ok: false, error: errorMessage(err) }]));
  }
}

function statusCell(r: LanguageRow): string {
  if (r.status === "ok") return "ok";
  if (r.status === "no-grammar") return "-";
  if (r.status === "unavailable") return "not available on this platform";
  return `FAILED: ${r.error}`;
}

/** `weft languages`: the table (or JSON) on stdout; failed when any parser that should work does not. */
export async function languages(opts: JsonArgs): Promise<Outcome> {
  const rows = await languageRows();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const lines = rows.map((r) => [
      r.id,
      statusCell(r),
      r.runtime ? `${r.runtime}, ABI ${r.abi}` : "-",
      r.parser,
      r.extensions
        .map((e) => `.${e}`)
        .concat(r.filenames)
        .join(" "),
    ]);
    const head = ["language", "status", "runtime", "parser", "files"];
    const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    for (const l of [head, ...lines])
      process.stdout.write(`${l.map((c, i) => (i < l.length - 1 ? c.padEnd(widths[i]!) : c)).join("  ")}\n`);
  }
  const failed = rows.filter((r) => r.status === "failed");
  if (failed.length > 0) {
    const reasons = [...new Set(failed.map((r) => r.error))];
    process.stderr.write(
      `weft: ${failed.length} of ${rows.filter((r) => r.status !== "no-grammar").length} parsers failed: ${reasons[0]}${reasons.length > 1 ? ` (and ${reasons.length - 1} other reasons)` : ""}\n`,
    );
  }
  return { failed: failed.length > 0 };
}
