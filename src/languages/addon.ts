import { readFileSync } from "node:fs";
import { errorMessage, WeftError } from "../model/errors.ts";
import { cacheDir, installForLoading } from "./cache.ts";

/** Why the native ast-grep addon is not loaded in this thread, or undefined when it is (or runs from node_modules). */
let refused: string | undefined;
/** The embedded addon's loader (a compiled binary only), set by lazyEmbeddedAddon. */
let loadAddon: (() => unknown) | undefined;

/**
 * The reason the napi addon could not be loaded (one line naming the file or directory), if it
 * could not. In a compiled binary this loads it first, since it is loaded only on first use.
 */
export function addonError(): string | undefined {
  loadAddon?.();
  return refused;
}

/**
 * The loader of the napi addon embedded in a compiled binary (build.ts generates the call): it
 * loads the addon once, on first use (see loadEmbeddedAddon), and returns its exports.
 */
export function lazyEmbeddedAddon(
  embeddedPath: string,
  sha256: string,
  exportNames: readonly string[],
): () => Record<string, (...args: unknown[]) => unknown> {
  let exports: Record<string, unknown> | undefined;
  const load = () => (exports ??= loadEmbeddedAddon(embeddedPath, sha256, exportNames));
  loadAddon = load;
  return load as () => Record<string, (...args: unknown[]) => unknown>;
}

/**
 * Loads the napi addon embedded in a compiled binary (build.ts generates the call). Left to itself,
 * Bun extracts an embedded addon to `$TMPDIR/.bun-<uid>-<hash>.node` and loads whatever it finds
 * there; instead the bytes go through weft's private, content-addressed cache like every parser, and
 * the copy's sha256 is checked right before `dlopen`, which loads the very bytes checked. When that is impossible (a refused cache, a
 * tampered file) nothing is loaded: every export throws the reason, so each grammar file falls back
 * to delimiter rules and the run says so (registry.ts reports it; the exit code is 4). `exportNames`
 * are napi's exports, so modules importing them still link against the stub.
 */
export function loadEmbeddedAddon(
  embeddedPath: string,
  sha256: string,
  exportNames: readonly string[],
): Record<string, unknown> {
  try {
    // Loaded through the descriptor that was hashed (see installForLoading): a file renamed over
    // the cache path after the check is not what gets loaded.
    const { path, loaded } = installForLoading(
      cacheDir(),
      "ast-grep-napi",
      sha256,
      () => readFileSync(embeddedPath),
      ".node",
    );
    const module = { exports: {} as Record<string, unknown> };
    try {
      process.dlopen(module, path);
    } finally {
      loaded();
    }
    return module.exports;
  } catch (err) {
    refused = `native parser library not loaded: ${errorMessage(err)}`;
    const fail = () => {
      throw new WeftError("addon-refused", refused!);
    };
    return Object.fromEntries(exportNames.map((name) => [name, fail]));
  }
}
