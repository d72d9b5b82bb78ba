// Reads syntax trees through weft's own tree reader (src/tree/reader.c, the tree-sitter runtime)
// with bun:ffi: one call parses a file and writes every node into a flat array, and the native
// tree is freed before the call returns. Each thread (main or Worker) opens the verified reader
// and grammar libraries itself, lazily, once.
import { dlopen, type Library, type Pointer } from "bun:ffi";
import { existsSync, readFileSync } from "node:fs";
import { errorMessage, WeftError } from "../model/errors.ts";
import { interrupted, interruptWatched, watchInterrupt } from "../model/interrupt.ts";
import { cacheDir, installForLoading, sha256 } from "../languages/cache.ts";
import { parserFiles, type ParserFile } from "../languages/parserFiles.ts";
import { languageById } from "../languages/table.ts";
import { hostTarget } from "../languages/targets.ts";
import type { FlatTree, GrammarNames } from "./flatTree.ts";
import { readerFile } from "./readerFile.ts";

/** The interface version of reader.c this module speaks (wr_version). */
const READER_VERSION = 2;

const SYMBOLS = {
  wr_version: { args: [], returns: "u32" },
  wr_runtime_name: { args: [], returns: "cstring" },
  wr_runtime_abi: { args: [], returns: "u32" },
  wr_language_abi: { args: ["ptr"], returns: "u32" },
  wr_new: { args: ["ptr"], returns: "ptr" },
  wr_free: { args: ["ptr"], returns: "void" },
  wr_names: { args: ["ptr", "ptr", "u32", "ptr"], returns: "u32" },
  wr_parse: { args: ["ptr", "ptr", "u32", "ptr", "u32", "u32"], returns: "i32" },
  wr_redump: { args: ["ptr", "ptr", "u32"], returns: "i32" },
  wr_watch_signals: { args: [], returns: "i32" },
  wr_pending_signal: { args: [], returns: "i32" },
} as const;

/** wr_parse's opts bit: stop when a watched signal comes (answer WR_CANCELLED). */
const WR_CANCELLABLE = 0x100;
const WR_CANCELLED = -0x80000000;

/** The reader library as opened in this thread. */
type Reader = {
  lib: Library<typeof SYMBOLS>;
  /** e.g. "tree-sitter 0.25.1". */
  runtime: string;
  abiMin: number;
  abiMax: number;
};

/** One grammar as loaded in this thread. */
type Grammar = { reader: Pointer; names: GrammarNames; abi: number; lib: Library<Record<string, never>> };

/** Load state of one language's grammar through the reader, in this thread. */
export type GrammarStatus =
  | { ok: true; path: string; runtime: string; abi: number; abiRange: [number, number] }
  | { ok: false; unavailable?: true; error: string; code: string };

let reader: Reader | undefined;
let readerFailure: WeftError | undefined;
const grammars = new Map<string, Grammar>();
const statuses = new Map<string, GrammarStatus>();
/** Why a grammar could not be loaded in this thread, as thrown (code and file kept for parseTree). */
const failures = new Map<string, WeftError>();

/** Opens the verified reader library in this thread (once); throws the same WeftError every time it cannot. */
function openReader(): Reader {
  if (reader) return reader;
  if (readerFailure) throw readerFailure;
  try {
    const file = readerFile();
    if (!file)
      throw new WeftError("reader-unavailable", `weft has no tree reader for ${process.platform}-${process.arch}`);
    const read = () => {
      if (file.fix && !existsSync(file.path))
        throw new WeftError("reader-missing", `tree reader library is missing; ${file.fix}`, file.path);
      const bytes = readFileSync(file.path);
      if (file.fix && sha256(bytes) !== file.sha256)
        throw new WeftError(
          "reader-stale",
          `tree reader library differs from the sha256 it was built with; ${file.fix}`,
          file.path,
        );
      return bytes;
    };
    const target = hostTarget()!;
    const ext = target.readerLib.slice(target.readerLib.lastIndexOf("."));
    const { path: loadPath, file: path, loaded } = installForLoading(cacheDir(), "weft-reader", file.sha256, read, ext);
    let lib: Library<typeof SYMBOLS>;
    try {
      lib = dlopen(loadPath, SYMBOLS);
    } catch (err) {
      throw new WeftError("reader-load", `tree reader library could not be opened: ${errorMessage(err)}`, path);
    } finally {
      loaded();
    }
    const version = lib.symbols.wr_version();
    if (version !== READER_VERSION)
      throw new WeftError(
        "reader-load",
        `tree reader library speaks interface ${version}, weft needs ${READER_VERSION}`,
        file.path,
      );
    const range = lib.symbols.wr_runtime_abi();
    reader = {
      lib,
      runtime: String(lib.symbols.wr_runtime_name()),
      abiMax: range & 0xff,
      abiMin: (range >>> 8) & 0xff,
    };
    return reader;
  } catch (err) {
    readerFailure =
      err instanceof WeftError
        ? err
        : new WeftError("reader-load", `tree reader library not loaded: ${errorMessage(err)}`);
    throw readerFailure;
  }
}

/**
 * Loads language `id`'s grammar through the reader in this thread (once), checking its sha256
 * right before loading it and its ABI against the runtime's range. Never throws: the status says
 * why a grammar cannot be used; `unavailable` marks one declared missing on this platform (an
 * expected limit, not a failure).
 */
export function grammarStatus(id: string): GrammarStatus {
  const known = statuses.get(id);
  if (known) return known;
  let st: GrammarStatus;
  try {
    const g = loadGrammar(id);
    const r = reader!;
    st = { ok: true, path: g.path, runtime: r.runtime, abi: g.abi, abiRange: [r.abiMin, r.abiMax] };
  } catch (err) {
    const failure = err instanceof WeftError ? err : new WeftError("grammar-load", errorMessage(err));
    failures.set(id, failure);
    st = {
      ok: false,
      error: errorMessage(failure),
      code: failure.code,
      ...(failure.code === "grammar-unavailable" ? { unavailable: true as const } : {}),
    };
  }
  statuses.set(id, st);
  return st;
}

function loadGrammar(id: string): Grammar & { path: string } {
  const spec = languageById(id)?.grammar;
  if (!spec) throw new WeftError("no-grammar", `${id}: no grammar`);
  const target = hostTarget();
  if (!target)
    throw new WeftError("grammar-unavailable", `no parsers are published for ${process.platform}-${process.arch}`);
  if (spec.unavailableOn?.includes(target.id))
    throw new WeftError(
      "grammar-unavailable",
      `not available on ${target.id} (${spec.pkg} publishes no parser for it)`,
    );
  const file = parserFiles()[id];
  if (!file) throw new WeftError("grammar-missing", `parser for ${target.id} is missing from this build`);
  const g = openGrammar(id, spec.symbol, file);
  grammars.set(id, g);
  return g;
}

/**
 * Opens grammar library `file` (exporting `symbol`) through the reader: installed in the cache and
 * loaded through the descriptor whose sha256 was checked, its ABI checked against the runtime's
 * range. Exported for tests (a planted or out-of-range grammar); weft goes through grammarStatus.
 */
export function openGrammar(id: string, symbol: string, file: ParserFile): Grammar & { path: string } {
  let r: Reader;
  try {
    r = openReader();
  } catch (err) {
    const code = err instanceof WeftError ? err.code : "reader-load";
    throw new WeftError(code, `native parser library not loaded: ${errorMessage(err)}`);
  }
  let bytes: Uint8Array | undefined;
  const read = () => (bytes ??= readFileSync(file.path));
  const { path: loadPath, file: path, loaded } = installForLoading(cacheDir(), id, file.sha256 ?? sha256(read()), read);
  let lib: Library<Record<string, never>>;
  try {
    lib = dlopen(loadPath, { [symbol]: { args: [], returns: "ptr" } }) as unknown as Library<Record<string, never>>;
  } catch (err) {
    throw new WeftError("grammar-load", `parser library could not be opened: ${errorMessage(err)}`, path);
  } finally {
    loaded();
  }
  const language = (lib.symbols as unknown as Record<string, () => Pointer | null>)[symbol]!();
  if (!language) throw new WeftError("grammar-load", `${symbol}() returned no language`, path);
  const abi = r.lib.symbols.wr_language_abi(language);
  if (abi < r.abiMin || abi > r.abiMax)
    throw new WeftError(
      "grammar-abi",
      `${id} grammar has ABI ${abi}, outside the range of weft's ${r.runtime} runtime (${r.abiMin}-${r.abiMax}); ${abi > r.abiMax ? "weft needs a newer tree-sitter runtime" : "the grammar must be regenerated with a newer tree-sitter"} to use it`,
      path,
    );
  const handle = r.lib.symbols.wr_new(language) as Pointer | null; // "ptr" returns are numbers (or null)
  if (!handle) throw new WeftError("grammar-load", `the ${r.runtime} runtime refused the ${id} grammar`, path);
  return { reader: handle, names: readNames(r, language), abi, lib, path };
}

function readNames(r: Reader, language: Pointer): GrammarNames {
  const counts = new Uint32Array(1);
  const need = r.lib.symbols.wr_names(language, null, 0, counts);
  const buf = new Uint8Array(need);
  r.lib.symbols.wr_names(language, buf, need, counts);
  const all = new TextDecoder().decode(buf).split("\0");
  const ns = counts[0]! & 0xffff;
  const nf = counts[0]! >>> 16;
  // Indexed by symbol id, with 0xFFFF (ERROR) far past the grammar's symbols: JSC keeps that one
  // index apart, so the array holds ~symbol count entries (28 grammars: 0.3 MB, against 15 MB for
  // a filled 65536-entry array) and lookups cost the same (measured: 13.7 vs 12.6 ns).
  const symbols: string[] = all.slice(0, ns);
  symbols[0xfffe] = "_ERROR";
  symbols[0xffff] = "ERROR";
  return { symbols, fields: all.slice(ns, ns + nf + 1) };
}

/** Depth limit passed to the reader (opts bits 0-7): 255 writes every level. */
const ALL_LEVELS = 255;

let nodes = new Uint32Array(4 * 65536);
let text16 = Buffer.alloc(0);

/**
 * Parses `text` (a BOM already stripped) with language `languageId`'s grammar and returns its tree
 * as flat records (see FlatTree), offsets in UTF-16 code units of `text` as @ast-grep/napi reports
 * them. `maxDepth` (0-254) writes only the levels down to it, flagging cut nodes 0x20.
 * `nodes` is this thread's scratch array: the next call overwrites it, so read or copy it first.
 * Throws a WeftError when the reader or grammar cannot be loaded, the ABI is out of range, or
 * parsing fails.
 */
export function parseTree(languageId: string, text: string, maxDepth: number = ALL_LEVELS): FlatTree {
  let g = grammars.get(languageId);
  if (!g) {
    if (!grammarStatus(languageId).ok) throw failures.get(languageId)!;
    g = grammars.get(languageId)!;
  }
  const r = reader!.lib.symbols;
  const units = text.length;
  if (text16.length < units * 2 || text16.length > Math.max(units * 8, 1 << 24))
    text16 = Buffer.allocUnsafe(Math.max(units * 2, 4096));
  if (units > 0) text16.write(text, 0, "utf16le");
  const depth = Math.min(Math.max(Math.trunc(maxDepth), 0), ALL_LEVELS);
  const opts = depth | (interruptWatched() ? WR_CANCELLABLE : 0);
  let count = r.wr_parse(g.reader, text16, units, nodes, nodes.length >>> 2, opts);
  if (count === WR_CANCELLED) throw interrupted();
  if (count < 0) {
    // Too small: the reader kept the tree for one redump (the text stays alive in text16).
    nodes = new Uint32Array(4 * Math.max(-count, (nodes.length >>> 2) * 2));
    count = r.wr_redump(g.reader, nodes, nodes.length >>> 2);
  }
  if (count <= 0) throw new WeftError("parse-failed", `the ${languageId} parser returned no tree`);
  return { nodes, count, names: g.names };
}

/**
 * Makes long synchronous work on this thread stop for SIGINT and SIGTERM (see model/interrupt.ts):
 * the reader notes them in C, before the handlers already installed (Bun's, which still run and
 * reach weft's own listeners once the event loop turns), parses started from now on stop, and
 * checkInterrupt() throws. Call it after the process's signal listeners are added. Returns the
 * function that stops watching, or undefined where the reader cannot watch (no reader, Windows):
 * then a file chunked on this thread ends before a signal is acted on.
 */
export function watchSignals(): (() => void) | undefined {
  let lib: Reader["lib"];
  try {
    lib = openReader().lib;
  } catch {
    return undefined;
  }
  if (lib.symbols.wr_watch_signals() === 0) return undefined;
  return watchInterrupt(() => lib.symbols.wr_pending_signal() !== 0);
}

/** The runtime the reader in this thread was built with and its ABI range, or the reason it cannot load. */
export function readerRuntime(): { runtime: string; abiRange: [number, number] } | { error: string } {
  try {
    const r = openReader();
    return { runtime: r.runtime, abiRange: [r.abiMin, r.abiMax] };
  } catch (err) {
    return { error: errorMessage(err) };
  }
}
