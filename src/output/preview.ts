import { quotePath } from "../discover/pathBytes.ts";
import type { Chunk } from "../model/chunk.ts";

/** Options for the human preview. */
export type PreviewOptions = {
  /** Show at most this many lines of each chunk (the rest is summarised); 0 = all. */
  maxLines?: number;
};

/**
 * A readable preview of chunks (`weft chunk --format text`): a header line per chunk with its
 * position, size, strategy, scope and symbols, then its content with line numbers, so the
 * boundaries are visible. Pure: chunks in, text out.
 */
export function renderPreview(chunks: readonly Chunk[], options: PreviewOptions = {}): string {
  const out: string[] = [];
  const maxLines = options.maxLines ?? 0;
  for (const c of chunks) {
    const invalid = c.invalid_utf8?.length ?? 0;
    const flags = [
      c.strategy,
      c.partial ? "partial" : "",
      c.has_error ? "has errors" : "",
      invalid > 0 ? `${invalid} invalid UTF-8 sequence${invalid > 1 ? "s" : ""} shown as U+FFFD` : "",
    ]
      .filter(Boolean)
      .join(", ");
    out.push(
      `── ${quotePath(c.path)}  chunk ${c.index + 1}/${c.count}  lines ${c.line_start}-${c.line_end}  bytes ${c.byte_start}-${c.byte_end}  ${c.tokens} tokens  (${flags})`,
    );
    const about: string[] = [];
    if (c.scope.length > 0) about.push(`scope: ${c.scope.join(" > ")}`);
    if (c.symbols.length > 0) about.push(`defines: ${c.symbols.join(", ")}`);
    if (c.kinds.length > 0) about.push(`kinds: ${c.kinds.join(", ")}`);
    if (about.length > 0) out.push(`   ${about.join("   ")}`);
    if (c.context !== undefined)
      for (const l of c.context.replace(/\n$/, "").split("\n")) out.push(`   context │ ${l}`);
    if (c.overlap_before)
      out.push(
        `   (${c.overlap_before.split("\n").length - (c.overlap_before.endsWith("\n") ? 1 : 0)} overlap lines before)`,
      );
    const lines = c.content.replace(/\r?\n$/, "").split("\n");
    const width = String(c.line_start + lines.length - 1).length;
    const shown = maxLines > 0 && lines.length > maxLines ? lines.slice(0, maxLines) : lines;
    shown.forEach((l, i) => out.push(`${String(c.line_start + i).padStart(width + 2)} │ ${l.replace(/\r$/, "")}`));
    if (shown.length < lines.length) out.push(`${" ".repeat(width + 2)} │ … ${lines.length - shown.length} more lines`);
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}
