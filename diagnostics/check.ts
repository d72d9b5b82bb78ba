import type { Check, CheckStatus, Section } from "../src/model/diagnosis.ts";
import { errorMessage } from "../src/model/errors.ts";

/** What a check function returns; the runner adds id, section and timing. */
export type Verdict = { status: CheckStatus; detail: string };

/** A verdict that passes when `problems` is empty and otherwise lists them (first few, then a count). */
export function verdict(problems: readonly string[], passDetail: string): Verdict {
  if (problems.length === 0) return { status: "pass", detail: passDetail };
  const shown = problems.slice(0, 3).join("; ");
  return { status: "fail", detail: problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown };
}

/** Runs one check, timing it; a thrown error is a failed check with its message, never a crash. */
export async function runCheck(id: string, section: Section, fn: () => Verdict | Promise<Verdict>): Promise<Check> {
  const t0 = performance.now();
  let v: Verdict;
  try {
    v = await fn();
  } catch (err) {
    v = { status: "fail", detail: `check crashed: ${errorMessage(err)}` };
  }
  return { id, section, status: v.status, ms: Math.round((performance.now() - t0) * 100) / 100, detail: v.detail };
}
