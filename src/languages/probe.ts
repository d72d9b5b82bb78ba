import { parse } from "@ast-grep/napi";
import { errorMessage } from "../model/errors.ts";
import { napiName } from "./registry.ts";

/** Parses a tiny sample in each language (already registered) and reports the root node kind. */
export function probeLanguages(ids: readonly string[]): { id: string; ok: boolean; root?: string; error?: string }[] {
  return ids.map((id) => {
    try {
      return { id, ok: true, root: String(parse(napiName(id), "x\n").root().kind()) };
    } catch (err) {
      return { id, ok: false, error: errorMessage(err) };
    }
  });
}
