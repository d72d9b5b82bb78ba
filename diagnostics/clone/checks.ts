import * as v from "valibot";
import { CLONE_REGISTRY, registryGaps, type CloneEntry } from "./registry.ts";
import type { Check } from "../../src/model/diagnosis.ts";
import { runCheck, verdict } from "../check.ts";
import type { WorkerSession } from "../workerSession.ts";
import { misclassification, NEGATIVE_CONTROLS, type NegativeControl } from "./controls.ts";
import { formatOutcome, probeClone, type Transport } from "./probe.ts";

const ECHO_TIMEOUT_MS = 5_000;

/** valibot's first issue as `at $.a.b: message`. */
export function issueText(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return "invalid";
  const path = (issue.path ?? []).map((p) => (typeof p.key === "number" ? `[${p.key}]` : `.${String(p.key)}`)).join("");
  return `at $${path}: ${issue.message}`;
}

/** A round trip through a real worker; `onIssue` hears when the worker found the value invalid on arrival. */
function workerTransport(
  session: WorkerSession,
  schema: string | undefined,
  onIssue: (issue: string) => void,
): Transport {
  return async (value) => {
    const res = await session.request(
      schema === undefined ? { type: "echo", value } : { type: "echo", schema, value },
      ECHO_TIMEOUT_MS,
    );
    if (res.type !== "echo-result")
      throw new Error(`worker answered ${res.type} to echo${res.type === "error" ? `: ${res.message}` : ""}`);
    if (res.issue) onIssue(res.issue);
    return res.value;
  };
}

const TRANSPORTS = ["structuredClone", "worker"] as const;

/** Probes every sample of one schema across both boundaries; returns the problems found. */
async function probeEntry(name: string, entry: CloneEntry, session: WorkerSession): Promise<string[]> {
  const problems: string[] = [];
  for (const sample of entry.samples()) {
    const label = `"${sample.name}"`;
    const valid = v.safeParse(entry.schema, sample.value);
    if (!valid.success) problems.push(`sample ${label} does not match its schema ${issueText(valid.issues)}`);
    for (const via of TRANSPORTS) {
      const transport: Transport =
        via === "worker"
          ? workerTransport(session, name, (issue) =>
              problems.push(`${label} was invalid on arrival in the worker: ${issue}`),
            )
          : structuredClone;
      const { outcome, copy } = await probeClone(sample.value, transport);
      if (outcome.kind !== "ok") {
        problems.push(`${label} via ${via}: ${formatOutcome(outcome)}`);
        continue;
      }
      const again = v.safeParse(entry.schema, copy);
      if (valid.success && !again.success)
        problems.push(`${label} via ${via}: copy fails its schema ${issueText(again.issues)}`);
    }
  }
  return problems;
}

/** Runs one negative control through both boundaries; returns how it was misclassified, if it was. */
async function probeControl(control: NegativeControl, session: WorkerSession): Promise<string[]> {
  const problems: string[] = [];
  for (const via of TRANSPORTS) {
    const transport: Transport = via === "worker" ? workerTransport(session, undefined, () => {}) : structuredClone;
    const { outcome } = await probeClone(control.build(), transport);
    const wrong = misclassification(control, outcome);
    if (wrong) problems.push(`via ${via}: ${wrong}`);
  }
  return problems;
}

/** Overrides for tests: a registry with an injected defect, or different controls. */
export type CloneCheckOptions = { registry?: Record<string, CloneEntry>; controls?: readonly NegativeControl[] };

/**
 * The clone section: registry coverage, every registered schema's samples through structuredClone
 * and a worker round trip (deep compare + re-validation), and the negative controls.
 */
export async function cloneChecks(session: WorkerSession, opts: CloneCheckOptions = {}): Promise<Check[]> {
  const registry = opts.registry ?? CLONE_REGISTRY;
  const checks: Check[] = [];
  checks.push(
    await runCheck("clone.registry", "clone", () =>
      verdict(
        registryGaps(registry, opts.registry ? {} : undefined),
        `${Object.keys(registry).length} schemas registered; every exported schema and variant has samples`,
      ),
    ),
  );
  for (const [name, entry] of Object.entries(registry)) {
    checks.push(
      await runCheck(`clone.${name}`, "clone", async () => {
        const n = entry.samples().length;
        return verdict(
          await probeEntry(name, entry, session),
          `${n} sample${n === 1 ? "" : "s"} intact via structuredClone and a worker round trip, re-validated`,
        );
      }),
    );
  }
  for (const control of opts.controls ?? NEGATIVE_CONTROLS) {
    const e = control.expect;
    checks.push(
      await runCheck(`clone.control.${control.id}`, "clone", async () =>
        verdict(
          (await probeControl(control, session)).map((p) => `${control.name} ${p}`),
          `${control.name}: detected as ${e.kind} at ${e.path}${e.how ? ` (${e.how})` : ""}`,
        ),
      ),
    );
  }
  return checks;
}
