/** Renders rows as an aligned text table: first column left-aligned, the others right-aligned. */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A number with `digits` decimals, or "-" when it is not finite. */
export function fmt(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);
}

/** A count rounded to thousands ("12.3k") above 10,000. */
export function fmtCount(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "-";
  return x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0);
}

/** Bytes as MB (10^6) with one decimal. */
export function mb(bytes: number | undefined): string {
  return bytes === undefined ? "-" : fmt(bytes / 1e6);
}
