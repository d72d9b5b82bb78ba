// @ast-grep/napi as the ORACLE only (diagnostics, tests, benchmarks): chunking reads trees through
// weft's own reader (src/tree/parseTree.ts) and does not need the napi addon.
import { registerDynamicLanguage, type DynamicLangRegistrations } from "@ast-grep/napi";
import { readFileSync } from "node:fs";
import { errorMessage } from "../model/errors.ts";
import { addonError } from "./addon.ts";
import { cacheDir, installForLoading, sha256 } from "./cache.ts";
import { parserFiles } from "./parserFiles.ts";
import { languageById } from "./table.ts";
import { hostTarget } from "./targets.ts";

let registered: Map<string, string | undefined> | undefined;

/**
 * Registers the package grammars of `ids` with @ast-grep/napi so that `parse(napiName(id), ...)`
 * works in this process and its workers (languages napi has built in need nothing). ast-grep takes
 * ONE registerDynamicLanguage call per process: the first call registers everything it is asked
 * for; languages asked for later get an error. Returns each id's error, undefined when usable.
 */
export function registerOracle(ids: readonly string[]): Map<string, string | undefined> {
  const result = new Map<string, string | undefined>();
  const first = registered === undefined;
  registered ??= new Map();
  const regs: DynamicLangRegistrations = {};
  const afterLoad: (() => void)[] = [];
  const target = hostTarget();
  for (const id of new Set(ids)) {
    const grammar = languageById(id)?.grammar;
    if (!grammar) result.set(id, "no grammar");
    else if (addonError()) result.set(id, addonError());
    else if (grammar.napiLang) result.set(id, undefined);
    else if (registered.has(id)) result.set(id, registered.get(id));
    else if (!first) result.set(id, "not registered with @ast-grep/napi at startup (one registration per process)");
    else {
      try {
        const file = parserFiles()[id];
        if (!target || !file) throw new Error(`no parser for ${process.platform}-${process.arch}`);
        let bytes: Uint8Array | undefined;
        const read = () => (bytes ??= readFileSync(file.path));
        // napi opens each library during registerDynamicLanguage, after canonicalizing its path:
        // a /proc/self/fd link to a cache file renamed over since resolves to "... (deleted)" and
        // napi panics (the process aborts). So it gets a private copy of the very bytes hashed.
        const { path: libraryPath, loaded } = installForLoading(
          cacheDir(),
          id,
          file.sha256 ?? sha256(read()),
          read,
          ".so",
          "copy",
        );
        afterLoad.push(loaded);
        regs[id] = {
          libraryPath,
          extensions: [`weft-${id}`],
          languageSymbol: grammar.symbol,
          expandoChar: grammar.expandoChar,
        };
        result.set(id, undefined);
      } catch (err) {
        result.set(id, errorMessage(err));
      }
    }
  }
  if (Object.keys(regs).length > 0) {
    try {
      registerDynamicLanguage(regs);
    } catch (err) {
      for (const id of Object.keys(regs)) result.set(id, `register failed: ${errorMessage(err)}`);
    } finally {
      for (const loaded of afterLoad) loaded();
    }
  }
  for (const [id, error] of result) if (first || !registered.has(id)) registered.set(id, error);
  return result;
}

/** The name to pass to ast-grep's parse() for a language id (after registerOracle). */
export function napiName(id: string): string {
  return languageById(id)?.grammar?.napiLang ?? id;
}
