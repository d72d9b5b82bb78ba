import { registerDynamicLanguage, type DynamicLangRegistrations } from "@ast-grep/napi";
import { readFileSync } from "node:fs";
import { errorMessage } from "../model/errors.ts";
import { addonError } from "./addon.ts";
import { cacheDir, installParser, sha256 } from "./cache.ts";
import { parserFiles, type ParserFile } from "./parserFiles.ts";
import { languageById } from "./table.ts";
import { hostTarget } from "./targets.ts";

/**
 * Load state of one language's parser in this process. `unavailable` marks a grammar declared
 * missing for this platform (spec.ts `unavailableOn`): expected, and such files use the delimiter
 * chunker; any other failure is a real error.
 */
export type ParserStatus =
  { ok: true; source: "builtin" | "embedded"; path?: string } | { ok: false; unavailable?: true; error: string };

const status = new Map<string, ParserStatus>();
let registeredOnce = false;

/**
 * Makes the grammars of `ids` usable by `parse(napiName(id), ...)` in this process and its workers.
 * ast-grep accepts only ONE registerDynamicLanguage call per process, so the first call registers
 * everything it is asked for; languages asked for later report an error rather than failing silently.
 * Each parser file's sha256 is checked right before registration (see cache.ts installParser).
 */
export function loadParsers(ids: readonly string[]): Map<string, ParserStatus> {
  const wanted = [...new Set(ids)].filter((id) => !status.has(id));
  const regs: DynamicLangRegistrations = {};
  const target = hostTarget();
  let files: Record<string, ParserFile> | undefined;
  let dir: string | undefined;
  for (const id of wanted) {
    const grammar = languageById(id)?.grammar;
    if (!grammar) {
      status.set(id, { ok: false, error: "no grammar" });
      continue;
    }
    const noAddon = addonError();
    if (grammar.kind === "builtin") {
      status.set(id, noAddon ? { ok: false, error: noAddon } : { ok: true, source: "builtin" });
      continue;
    }
    if (!target) {
      status.set(id, {
        ok: false,
        unavailable: true,
        error: `no parsers are published for ${process.platform}-${process.arch}`,
      });
      continue;
    }
    if (grammar.unavailableOn?.includes(target.id)) {
      status.set(id, {
        ok: false,
        unavailable: true,
        error: `not available on ${target.id} (${grammar.pkg} publishes no parser for it)`,
      });
      continue;
    }
    if (noAddon) {
      status.set(id, { ok: false, error: noAddon });
      continue;
    }
    if (registeredOnce) {
      status.set(id, {
        ok: false,
        error: "parser not registered at startup (ast-grep allows one registration per process)",
      });
      continue;
    }
    try {
      files ??= parserFiles();
      const file = files[id];
      if (!file) throw new Error(`parser for ${target.id} is missing from this build`);
      dir ??= cacheDir();
      let bytes: Uint8Array | undefined;
      const read = () => (bytes ??= readFileSync(file.path));
      const path = installParser(dir, id, file.sha256 ?? sha256(read()), read);
      regs[id] = {
        libraryPath: path,
        extensions: [`weft-${id}`],
        languageSymbol: grammar.symbol,
        expandoChar: grammar.expandoChar,
      };
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

/**
 * The distinct load errors among the grammars of `ids` (languages without one, and grammars declared
 * unavailable on this platform, are a documented limit, not a failure). A refused cache directory
 * gives one error for all of them; a tampered parser file one error naming the file.
 */
export function parserProblems(ids: readonly string[]): string[] {
  const errors = new Set<string>();
  for (const st of loadParsers(ids.filter((id) => languageById(id)?.grammar)).values())
    if (!st.ok && !st.unavailable) errors.add(st.error);
  return [...errors];
}
