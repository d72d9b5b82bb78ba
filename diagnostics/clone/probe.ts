import { childPath, firstDifference } from "./compare.ts";

/** What happened to a value sent across a structured-clone boundary. */
export type CloneOutcome =
  { kind: "ok" } | { kind: "throws"; path: string; error: string } | { kind: "lossy"; path: string; how: string };

/** Copies a value across one boundary: `structuredClone`, or a round trip through a worker. */
export type Transport = (value: unknown) => unknown;

/** Sends `value` through `transport` and classifies the copy (when there is one) against the original. */
export async function probeClone(
  value: unknown,
  transport: Transport,
): Promise<{ outcome: CloneOutcome; copy?: unknown }> {
  let copy: unknown;
  try {
    copy = await transport(value);
  } catch (err) {
    const found = locateUnclonable(value);
    return { outcome: { kind: "throws", path: found?.path ?? "$", error: found?.error ?? oneLine(err) } };
  }
  const d = firstDifference(value, copy);
  return { outcome: d ? { kind: "lossy", ...d } : { kind: "ok" }, copy };
}

/**
 * The deepest field that `structuredClone` refuses, with its error: DataCloneError names no path,
 * so descend into whichever child still fails to clone on its own.
 */
export function locateUnclonable(value: unknown, path = "$"): { path: string; error: string } | null {
  try {
    structuredClone(value);
    return null;
  } catch (err) {
    if (typeof value === "object" && value !== null) {
      for (const [key, child] of children(value)) {
        const found = locateUnclonable(
          child,
          typeof key === "string" && key.startsWith(".") ? `${path}${key}` : childPath(path, key),
        );
        if (found) return found;
      }
    }
    return { path, error: oneLine(err) };
  }
}

/** The parts structured clone serializes: own enumerable string keys, Map entries, Set members. */
function children(value: object): [PropertyKey, unknown][] {
  if (value instanceof Map)
    return [...value.entries()].flatMap(
      ([k, v], i) =>
        [
          [`.keys()[${i}]`, k],
          [`.values()[${i}]`, v],
        ] as [string, unknown][],
    );
  if (value instanceof Set) return [...value.values()].map((v, i) => [`.values()[${i}]`, v]);
  return Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]);
}

function oneLine(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message.split("\n")[0]}`;
  return String(err).split("\n")[0] ?? "unknown error";
}

/** `ok`, `throws at $.x: DataCloneError: ...`, or `lossy at $.x: SgNode -> {}`. */
export function formatOutcome(o: CloneOutcome): string {
  if (o.kind === "ok") return "ok";
  return o.kind === "throws" ? `throws at ${o.path}: ${o.error}` : `lossy at ${o.path}: ${o.how}`;
}
