import { registerDynamicLanguage, type DynamicLangRegistrations } from "@ast-grep/napi";
import { errorMessage } from "../model/errors.ts";
import { cacheDir, extractToCache } from "./cache.ts";
import { parserFiles } from "./parserFiles.ts";
import { languageById } from "./table.ts";

/** Load state of one language's parser in this process. */
export type ParserStatus = { ok: true; source: "builtin" | "embedded"; path?: string } | { ok: false; error: string };

const status = new Map<string, ParserStatus>();
let registeredOnce = false;

/**
 * Makes the grammars of `ids` usable by `parse(napiName(id), ...)` in this process and its workers.
 * ast-grep accepts only ONE registerDynamicLanguage call per process, so the first call registers
 * everything it is asked for; languages asked for later report an error rather than failing silently.
 */
export function loadParsers(ids: readonly string[]): Map<string, ParserStatus> {
  const wanted = [...new Set(ids)].filter((id) => !status.has(id));
  const regs: DynamicLangRegistrations = {};
  let files: Record<string, string> | undefined;
  let dir: string | undefined;
  for (const id of wanted) {
    const grammar = languageById(id)?.grammar;
    if (!grammar) { status.set(id, { ok: false, error: "no grammar" }); continue; }
    if (grammar.kind === "builtin") { status.set(id, { ok: true, source: "builtin" }); continue; }
    if (registeredOnce) { status.set(id, { ok: false, error: "parser not registered at startup (ast-grep allows one registration per process)" }); continue; }
    try {
      files ??= parserFiles();
      const src = files[id];
      if (!src) throw new Error(`no parser file for ${process.platform}-${process.arch} in this build`);
      dir ??= cacheDir();
      const path = extractToCache(dir, id, new Uint8Array(require("node:fs").readFileSync(src)));
      regs[id] = { libraryPath: path, extensions: [`weft-${id}`], languageSymbol: grammar.symbol, expandoChar: grammar.expandoChar };
      status.set(id, { ok: true, source: "embedded", path });
    } catch (err) {
      status.set(id, { ok: false, error: errorMessage(err) });
    }
  }
  if (Object.keys(regs).length > 0) {
    registeredOnce = true;
    try {
      registerDynamicLanguage(regs);
    } catch (err) {
      for (const id of Object.keys(regs)) status.set(id, { ok: false, error: `register failed: ${errorMessage(err)}` });
    }
  }
  return new Map(ids.map((id) => [id, status.get(id)!]));
}

/** The name to pass to ast-grep's parse() for a language id. */
export function napiName(id: string): string {
  const grammar = languageById(id)?.grammar;
  return grammar?.kind === "builtin" ? grammar.napiLang : id;
}
