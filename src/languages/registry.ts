import { grammarStatus } from "../tree/parseTree.ts";
import { languageById } from "./table.ts";

/**
 * Load state of one language's grammar in this thread, through weft's tree reader. `unavailable`
 * marks a grammar declared missing for this platform (spec.ts `unavailableOn`): expected, and such
 * files use the delimiter chunker; any other failure is a real error. `runtime` and `abi`: the
 * tree-sitter runtime the reader was built with and the ABI the grammar was generated for.
 */
export type ParserStatus =
  | { ok: true; source: "builtin" | "embedded"; path?: string; runtime?: string; abi?: number }
  | { ok: false; unavailable?: true; error: string };

/**
 * Loads the grammars of `ids` through the tree reader in this thread (each parser file's sha256
 * checked right before it is loaded, its ABI against the runtime's range) and says which work.
 */
export function loadParsers(ids: readonly string[]): Map<string, ParserStatus> {
  const result = new Map<string, ParserStatus>();
  for (const id of ids) {
    const st = grammarStatus(id);
    result.set(
      id,
      st.ok
        ? { ok: true, source: "embedded", path: st.path, runtime: st.runtime, abi: st.abi }
        : { ok: false, error: st.error, ...(st.unavailable ? { unavailable: true as const } : {}) },
    );
  }
  return result;
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
