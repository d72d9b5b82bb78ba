// weft's tree reader: parses UTF-16LE text with a tree-sitter grammar and writes the whole tree (or
// its top levels) into the caller's flat uint32 array in one call, then deletes the tree before
// returning, so no native tree outlives the call and nothing waits for a garbage collection.
// Linked with the tree-sitter runtime's C sources (lib/src/lib.c); built by build/reader.ts.
//
// Record (4 x u32 per node, pre-order, index 0 = root):
//   w0 = symbol (bits 0-15, 0xFFFF = ERROR) | flags (bits 16-23) | field id (bits 24-31, 0 = none)
//        flags: 0x01 named, 0x02 is ERROR, 0x04 has_error, 0x08 is MISSING, 0x10 extra,
//               0x20 children not written (depth limit)
//   w1 = start offset, w2 = end offset, in UTF-16 code units of the input
//   w3 = index just past this node's subtree (its next sibling, or an ancestor's);
//        first child = i + 1 when w3 > i + 1.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tree_sitter/api.h"
#include <signal.h>

#if defined(_WIN32)
#define WR_EXPORT __declspec(dllexport)
#else
#define WR_EXPORT __attribute__((visibility("default")))
#endif

#define WR_DEPTH_MASK 0xFFu /* opts bits 0-7: deepest level written, 255 = all */
#define WR_CANCELLABLE 0x100u /* opts bit 8: stop parsing once wr_watch_signals saw a signal */
#define WR_CANCELLED INT32_MIN /* wr_parse's answer when it stopped for a signal */

typedef struct {
  TSParser *parser;
  TSTree *kept; /* tree kept after a too-small array, for one wr_redump call */
  uint32_t kept_opts;
  uint32_t *stack; /* index of the open ancestor at each depth */
  uint32_t stack_cap;
} Reader;

/* Version of this interface; build/reader.ts and parseTree.ts check it before any other call. */
WR_EXPORT uint32_t wr_version(void) { return 2; }

#ifndef WR_RUNTIME
#error "build with -DWR_RUNTIME='\"tree-sitter <version>\"' (build/reader.ts does)"
#endif

/* Which tree-sitter runtime this library was built with, e.g. "tree-sitter 0.25.1". */
WR_EXPORT const char *wr_runtime_name(void) { return WR_RUNTIME; }

/* The runtime's language ABI range: newest | oldest << 8. */
WR_EXPORT uint32_t wr_runtime_abi(void) {
  return TREE_SITTER_LANGUAGE_VERSION | (TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION << 8);
}

/* The ABI a grammar was generated for (check it against wr_runtime_abi before wr_new). */
WR_EXPORT uint32_t wr_language_abi(const TSLanguage *lang) { return ts_language_abi_version(lang); }

/* A reader for one grammar; 0 when the runtime refuses the grammar (ABI out of range) or memory runs out. */
WR_EXPORT void *wr_new(const TSLanguage *lang) {
  Reader *r = calloc(1, sizeof *r);
  if (!r) return 0;
  r->parser = ts_parser_new();
  if (!r->parser || !ts_parser_set_language(r->parser, lang)) {
    if (r->parser) ts_parser_delete(r->parser);
    free(r);
    return 0;
  }
  return r;
}

WR_EXPORT void wr_free(void *h) {
  Reader *r = h;
  if (!r) return;
  if (r->kept) ts_tree_delete(r->kept);
  ts_parser_delete(r->parser);
  free(r->stack);
  free(r);
}

/* Symbol names (0 .. count-1), then "" and the field names (1 .. field_count), each NUL-terminated,
   into buf. Returns the bytes needed; writes only when they fit. *counts = symbols | fields << 16. */
WR_EXPORT uint32_t wr_names(const TSLanguage *lang, char *buf, uint32_t cap, uint32_t *counts) {
  uint32_t ns = ts_language_symbol_count(lang), nf = ts_language_field_count(lang), used = 0;
  for (uint32_t i = 0; i < ns + nf + 1; i++) {
    const char *s = i < ns ? ts_language_symbol_name(lang, (TSSymbol)i)
                           : (i == ns ? "" : ts_language_field_name_for_id(lang, (TSFieldId)(i - ns)));
    if (!s) s = "";
    size_t l = strlen(s) + 1;
    if (buf && used + l <= cap) memcpy(buf + used, s, l);
    used += (uint32_t)l;
  }
  if (counts) *counts = ns | (nf << 16);
  return used;
}

/* Pre-order walk writing records while idx < cap; returns the number of nodes (written or not). */
static int walk(Reader *r, TSTree *tree, uint32_t *out, uint32_t cap, uint32_t maxd, uint32_t *total) {
  TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(tree));
  uint32_t i = 0, d = 0;
  for (;;) {
    uint32_t idx = i++;
    if (d >= r->stack_cap) {
      uint32_t cap2 = r->stack_cap ? r->stack_cap * 2 : 256;
      uint32_t *s = realloc(r->stack, cap2 * sizeof *s);
      if (!s) { ts_tree_cursor_delete(&c); return 0; }
      r->stack = s;
      r->stack_cap = cap2;
    }
    r->stack[d] = idx;
    if (idx < cap) {
      TSNode node = ts_tree_cursor_current_node(&c);
      uint32_t f = (ts_node_is_named(node) ? 0x01u : 0) | (ts_node_is_error(node) ? 0x02u : 0) |
                   (ts_node_has_error(node) ? 0x04u : 0) | (ts_node_is_missing(node) ? 0x08u : 0) |
                   (ts_node_is_extra(node) ? 0x10u : 0) | (d >= maxd && ts_node_child_count(node) ? 0x20u : 0);
      uint32_t field = ts_tree_cursor_current_field_id(&c);
      uint32_t *rec = out + (size_t)idx * 4;
      rec[0] = (uint32_t)ts_node_symbol(node) | f << 16 | (field & 0xFFu) << 24;
      rec[1] = ts_node_start_byte(node) >> 1; /* UTF-16 input: bytes / 2 = code units */
      rec[2] = ts_node_end_byte(node) >> 1;
    }
    if (d < maxd && ts_tree_cursor_goto_first_child(&c)) { d++; continue; }
    if (idx < cap) out[(size_t)idx * 4 + 3] = i;
    while (!ts_tree_cursor_goto_next_sibling(&c)) {
      if (d == 0 || !ts_tree_cursor_goto_parent(&c)) goto done;
      d--;
      uint32_t p = r->stack[d];
      if (p < cap) out[(size_t)p * 4 + 3] = i;
    }
  }
done:
  ts_tree_cursor_delete(&c);
  *total = i;
  return 1;
}

static int32_t emit(Reader *r, TSTree *tree, uint32_t *out, uint32_t cap, uint32_t opts) {
  uint32_t maxd = opts & WR_DEPTH_MASK, total = 0;
  if (maxd == 255) maxd = UINT32_MAX;
  if (!walk(r, tree, out, cap, maxd, &total) || total > INT32_MAX) {
    ts_tree_delete(tree);
    return 0;
  }
  if (total > cap) {
    r->kept = tree;
    r->kept_opts = opts;
    return -(int32_t)total;
  }
  ts_tree_delete(tree);
  return (int32_t)total;
}

/* The signal SIGINT or SIGTERM that came since wr_watch_signals, else 0. A JavaScript handler runs
   only when the event loop turns, which a long synchronous parse or chunking call does not let it
   do; this flag is set in the signal handler itself, so such a call can see it and stop. */
static volatile sig_atomic_t wr_signal = 0;

#if !defined(_WIN32)
static struct sigaction wr_previous[2]; /* [0] SIGINT, [1] SIGTERM: the handlers chained to */

static void wr_on_signal(int sig, siginfo_t *info, void *context) {
  wr_signal = sig;
  struct sigaction *prev = &wr_previous[sig == SIGTERM];
  if (prev->sa_flags & SA_SIGINFO) {
    if (prev->sa_sigaction) prev->sa_sigaction(sig, info, context);
  } else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
    prev->sa_handler(sig);
  }
}
#endif

/* Starts noting SIGINT and SIGTERM in wr_signal (cleared now), before the handlers already
   installed (Bun's), which still run. A signal with no handler yet is left alone (its default
   action, ending the process, must stay). Installs itself again where another handler replaced it.
   Returns how many of the two signals are watched (0 on Windows). */
WR_EXPORT int32_t wr_watch_signals(void) {
  wr_signal = 0;
#if defined(_WIN32)
  return 0;
#else
  const int sigs[2] = {SIGINT, SIGTERM};
  int32_t watched = 0;
  for (int i = 0; i < 2; i++) {
    struct sigaction now;
    if (sigaction(sigs[i], 0, &now) != 0) continue;
    if ((now.sa_flags & SA_SIGINFO) && now.sa_sigaction == wr_on_signal) {
      watched++;
      continue;
    }
    if (!(now.sa_flags & SA_SIGINFO) && (now.sa_handler == SIG_DFL || now.sa_handler == SIG_IGN)) continue;
    struct sigaction mine;
    memset(&mine, 0, sizeof mine); /* an empty sa_mask (sigemptyset would link libpthread for glibc 2.17) */
    mine.sa_sigaction = wr_on_signal;
    mine.sa_flags = SA_SIGINFO | SA_RESTART;
    if (sigaction(sigs[i], &mine, &wr_previous[i]) == 0) watched++;
  }
  return watched;
#endif
}

/* The signal noted since wr_watch_signals (SIGINT 2, SIGTERM 15), else 0. */
WR_EXPORT int32_t wr_pending_signal(void) { return wr_signal; }

static bool stop_on_signal(TSParseState *state) {
  (void)state;
  return wr_signal != 0;
}

typedef struct {
  const char *bytes;
  uint32_t length;
} Source;

static const char *read_source(void *payload, uint32_t byte, TSPoint point, uint32_t *bytes_read) {
  (void)point;
  const Source *src = payload;
  if (byte >= src->length) {
    *bytes_read = 0;
    return "";
  }
  *bytes_read = src->length - byte;
  return src->bytes + byte;
}

/* Parses src16[0, units) (UTF-16LE, no BOM) and writes the tree into out (cap records of 4 u32).
   Returns the number of records; -needed when cap is too small (the tree is kept: call wr_redump
   with a big enough array, before any other call on this reader); 0 when parsing failed;
   WR_CANCELLED when opts has WR_CANCELLABLE and a watched signal came (nothing is kept). */
WR_EXPORT int32_t wr_parse(void *h, const uint16_t *src16, uint32_t units, uint32_t *out, uint32_t cap,
                           uint32_t opts) {
  Reader *r = h;
  if (r->kept) { ts_tree_delete(r->kept); r->kept = 0; }
  if (units > UINT32_MAX / 2) return 0;
  Source src = {(const char *)src16, units * 2};
  TSInput input = {&src, read_source, TSInputEncodingUTF16LE, 0};
  TSParseOptions options = {0, (opts & WR_CANCELLABLE) ? stop_on_signal : 0};
  TSTree *tree = ts_parser_parse_with_options(r->parser, 0, input, options);
  if (!tree) {
    /* A halted parse would be resumed by the next call: start that one afresh. */
    ts_parser_reset(r->parser);
    return (opts & WR_CANCELLABLE) && wr_signal ? WR_CANCELLED : 0;
  }
  return emit(r, tree, out, cap, opts);
}

/* Writes the tree kept by the last wr_parse that returned -needed; 0 when there is none. */
WR_EXPORT int32_t wr_redump(void *h, uint32_t *out, uint32_t cap) {
  Reader *r = h;
  TSTree *tree = r->kept;
  if (!tree) return 0;
  r->kept = 0;
  return emit(r, tree, out, cap, r->kept_opts);
}
