import type { SkipRecord } from "../model/file.ts";

/** Skip records as JSON Lines: one `{"path","reason","detail"}` object per line. */
export function skipRecordsJsonl(records: readonly SkipRecord[]): string {
  let out = "";
  for (const r of records) out += `${JSON.stringify({ path: r.path, reason: r.reason, detail: r.detail })}\n`;
  return out;
}
