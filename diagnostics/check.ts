import type { Check, CheckStatus, Section } from "../src/model/diagnosis.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "../src/discover/walk.ts";
import { errorMessage } from "../src/model/errors.ts";

/** What a check function returns; the runner adds id, section and timing. */
export type Verdict = { status: CheckStatus; detail: string };

/** A verdict that passes when `problems` is empty and otherwise lists them (first few, then a count). */
export function verdict(problems: readonly string[], passDetail: string): Verdict {
  if (problems.length === 0) return { status: "pass", detail: passDetail };
  const shown = problems.slice(0, 3).join("; ");
  return { status: "fail", detail: problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown };
}

/** The verdict on a check that threw. */
const crashed = (err: unknown): Verdict => ({ status: "fail", detail: `check crashed: ${errorMessage(err)}` });

/** Milliseconds since t0, to a hundredth. */
const since = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

/** Runs one check, timing it; a thrown error is a failed check with its message, never a crash. */
export async function runCheck(id: string, section: Section, fn: () => Verdict | Promise<Verdict>): Promise<Check> {
  const t0 = performance.now();
  let v: Verdict;
  try {
    v = await fn();
  } catch (err) {
    v = crashed(err);
  }
  return { id, section, status: v.status, ms: since(t0), detail: v.detail };
}

/** What a phase produced, or why it produced nothing. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs a check whose work produces a value later checks judge (a run, say), and hands that value
 * back with the check, so that those checks receive it as an argument. The check is timed from the
 * start of `produce`; `judge` gives its verdict on the value, `failed` the verdict when `produce`
 * throws (by default a crashed check, as runCheck reports it).
 */
export async function runPhase<T>(
  id: string,
  section: Section,
  produce: () => Promise<T>,
  judge: (value: T) => Verdict | Promise<Verdict>,
  failed: (err: unknown) => Verdict = crashed,
): Promise<{ check: Check; result: Settled<T> }> {
  const t0 = performance.now();
  const result: Settled<T> = await Promise.resolve()
    .then(produce)
    .then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const check = await runCheck(id, section, () => (result.ok ? judge(result.value) : failed(result.error)));
  return { check: { ...check, ms: since(t0) }, result };
}

/**
 * The one temporary directory a check needs, made in TMPDIR, or the failed verdict that says why
 * there is none (a missing or unwritable TMPDIR fails the checks that need it; the report goes on).
 */
export function tempDirFor(prefix: string): { dir: string } | { failed: Verdict } {
  try {
    return { dir: mkdtempSync(join(tmpdir(), prefix)) };
  } catch (err) {
    return { failed: { status: "fail", detail: tempDirMissing(err) } };
  }
}

/** The detail of a check that could not run for want of a temporary directory. */
export function tempDirMissing(err: unknown): string {
  return `needs a temporary directory, and none could be made in ${tmpdir()} (${describe(err)}); set TMPDIR to a directory you can write`;
}
