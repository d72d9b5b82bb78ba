/** The first place where a copy differs from its original: a field path and what happened there. */
export type Difference = { path: string; how: string };

/** `$.a.b`, `$[0]`, `$["odd key"]`, `$[Symbol(tag)]`: the path of a property below `parent`. */
export function childPath(parent: string, key: PropertyKey): string {
  if (typeof key === "symbol") return `${parent}[${key.toString()}]`;
  if (typeof key === "number" || /^(0|[1-9]\d*)$/.test(key)) return `${parent}[${String(key)}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** A short description of a value for difference messages: `SgNode`, `{}`, `{a, b}`, `"text"`, `number 3`. */
export function describe(x: unknown): string {
  if (x === null) return "null";
  switch (typeof x) {
    case "undefined":
      return "undefined";
    case "string":
      return x.length > 24 ? `string(${x.length})` : JSON.stringify(x);
    case "number":
      return Object.is(x, -0) ? "number -0" : `number ${x}`;
    case "bigint":
      return `bigint ${x}n`;
    case "boolean":
      return String(x);
    case "symbol":
      return x.toString();
    case "function":
      return `function ${x.name || "(anonymous)"}`;
  }
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto === null) return "null-prototype object";
  if (proto === Object.prototype) {
    const keys = Object.keys(x as object);
    return keys.length === 0 ? "{}" : `{${keys.slice(0, 3).join(", ")}${keys.length > 3 ? ", …" : ""}}`;
  }
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "object";
}

function describeProperty(d: PropertyDescriptor, key: PropertyKey): string {
  if (d.get || d.set) return "getter";
  if (typeof key === "symbol") return "symbol-keyed property";
  if (!d.enumerable) return "non-enumerable property";
  return describe(d.value);
}

const isIndex = (key: PropertyKey, length: number) =>
  typeof key === "string" && /^(0|[1-9]\d*)$/.test(key) && Number(key) < length;

/**
 * Compares a structured-clone copy with its original: prototype, own keys (symbol and
 * non-enumerable ones included), accessors vs data, value types and values, and the internal state
 * of Map, Set, Date, RegExp, ArrayBuffer and typed arrays. Returns the first difference, or null.
 */
export function firstDifference(original: unknown, copy: unknown, path = "$"): Difference | null {
  return diff(original, copy, path, new Map());
}

function diff(a: unknown, b: unknown, path: string, seen: Map<object, unknown>): Difference | null {
  const change = (how = `${describe(a)} -> ${describe(b)}`): Difference => ({ path, how });
  if (typeof a !== typeof b) return change();
  if (typeof a !== "object" || a === null || b === null) return Object.is(a, b) ? null : change();
  const x = a as object;
  const y = b as object;
  // Cycles and shared references: the copy must mirror the same graph.
  if (seen.has(x)) return seen.get(x) === y ? null : change("shared reference -> separate copy");
  seen.set(x, y);
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return change();

  if (x instanceof Date)
    return Object.is(x.getTime(), (y as Date).getTime())
      ? null
      : change(`Date ${x.toISOString?.() ?? "?"} -> ${String(y)}`);
  if (x instanceof RegExp) {
    const r = y as RegExp;
    if (x.source !== r.source || x.flags !== r.flags) return change(`${String(x)} -> ${String(r)}`);
    if (x.lastIndex !== r.lastIndex)
      return { path: `${path}.lastIndex`, how: `number ${x.lastIndex} -> number ${r.lastIndex}` };
  }
  if (x instanceof ArrayBuffer || x instanceof SharedArrayBuffer) {
    const d = diffBytes(new Uint8Array(x), new Uint8Array(y as ArrayBuffer));
    if (d) return { path: `${path}${d.path}`, how: d.how };
  }
  let indexed = 0;
  if (ArrayBuffer.isView(x)) {
    const xs = x as unknown as ArrayLike<unknown>;
    const ys = y as unknown as ArrayLike<unknown>;
    if (x instanceof DataView) {
      const d = diffBytes(
        new Uint8Array(x.buffer, x.byteOffset, x.byteLength),
        new Uint8Array((y as DataView).buffer, (y as DataView).byteOffset, (y as DataView).byteLength),
      );
      if (d) return { path: `${path}${d.path}`, how: d.how };
    } else {
      if (xs.length !== ys.length) return change(`length ${xs.length} -> ${ys.length}`);
      for (let i = 0; i < xs.length; i++)
        if (!Object.is(xs[i], ys[i])) return { path: `${path}[${i}]`, how: `${describe(xs[i])} -> ${describe(ys[i])}` };
      indexed = xs.length;
    }
  }
  if (x instanceof Map) {
    const m = y as Map<unknown, unknown>;
    if (x.size !== m.size) return change(`Map of ${x.size} -> Map of ${m.size}`);
    const ea = [...x.entries()];
    const eb = [...m.entries()];
    for (let i = 0; i < ea.length; i++) {
      const [ka, va] = ea[i]!;
      const [kb, vb] = eb[i]!;
      const keyLabel =
        typeof ka === "object" && ka !== null
          ? `keys()[${i}]`
          : `get(${typeof ka === "string" ? JSON.stringify(ka) : describe(ka)})`;
      const dk = diff(ka, kb, `${path}.keys()[${i}]`, seen);
      if (dk) return dk;
      const dv = diff(va, vb, `${path}.${keyLabel}`, seen);
      if (dv) return dv;
    }
  }
  if (x instanceof Set) {
    const va = [...x.values()];
    const vb = [...(y as Set<unknown>).values()];
    if (va.length !== vb.length) return change(`Set of ${va.length} -> Set of ${vb.length}`);
    for (let i = 0; i < va.length; i++) {
      const d = diff(va[i], vb[i], `${path}.values()[${i}]`, seen);
      if (d) return d;
    }
  }

  const keysA = Reflect.ownKeys(x);
  for (const key of keysA) {
    if (indexed > 0 && isIndex(key, indexed)) continue;
    const da = Object.getOwnPropertyDescriptor(x, key)!;
    const db = Object.getOwnPropertyDescriptor(y, key);
    const p = childPath(path, key);
    if (!db) return { path: p, how: `${describeProperty(da, key)} -> missing` };
    if (da.get || da.set) {
      if (!(db.get || db.set)) return { path: p, how: `getter -> data property ${describe(db.value)}` };
      continue;
    }
    if (db.get || db.set) return { path: p, how: `data property -> getter` };
    if (da.enumerable !== db.enumerable)
      return { path: p, how: da.enumerable ? "enumerable -> non-enumerable" : "non-enumerable -> enumerable" };
    const d = diff(da.value, db.value, p, seen);
    if (d) return d;
  }
  if (Reflect.ownKeys(y).length !== keysA.length) {
    const extra = Reflect.ownKeys(y).find((k) => !Object.prototype.hasOwnProperty.call(x, k))!;
    return {
      path: childPath(path, extra),
      how: `missing -> ${describe(Object.getOwnPropertyDescriptor(y, extra)?.value)}`,
    };
  }
  return null;
}

function diffBytes(a: Uint8Array, b: Uint8Array): Difference | null {
  if (a.length !== b.length) return { path: "", how: `${a.length} bytes -> ${b.length} bytes` };
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return { path: `[byte ${i}]`, how: `${a[i]} -> ${b[i]}` };
  return null;
}
