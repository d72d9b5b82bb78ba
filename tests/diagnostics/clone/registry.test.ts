import { expect, test } from "bun:test";
import { Glob } from "bun";
import { join } from "node:path";
import * as v from "valibot";
import { CLONE_REGISTRY, registryGaps, SCHEMA_MODULES, type CloneEntry } from "../../../src/execute/cloneRegistry.ts";

const SRC = join(import.meta.dir, "../../../src");

/** Every exported `*Schema` of every module in src/model and of the worker protocol, by module export. */
async function exportedSchemas(): Promise<Map<string, unknown>> {
  const files = [...new Glob("model/*.ts").scanSync(SRC), "execute/protocol.ts"];
  const found = new Map<string, unknown>();
  for (const file of files) {
    const ns = (await import(join(SRC, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(ns)) if (name.endsWith("Schema")) found.set(`${file}:${name}`, value);
  }
  return found;
}

test("every exported schema in src/model and the protocol has samples in the clone registry", async () => {
  const schemas = await exportedSchemas();
  expect(schemas.size).toBeGreaterThanOrEqual(15);
  const registered = new Set(Object.values(CLONE_REGISTRY).map((e) => e.schema));
  const missing = [...schemas].filter(([, s]) => !registered.has(s as v.GenericSchema)).map(([name]) => name);
  expect(missing).toEqual([]);
  // The binary's own coverage check walks SCHEMA_MODULES: it must list every one of those files.
  const listed = new Set(Object.values(SCHEMA_MODULES));
  for (const file of new Set([...schemas.keys()].map((k) => k.split(":")[0]!))) {
    expect({ file, listed: listed.has((await import(join(SRC, file))) as Record<string, unknown>) }).toEqual({ file, listed: true });
  }
  expect(registryGaps()).toEqual([]);
});

test("every sample is valid for its schema, and every variant of a message has a sample", () => {
  for (const [name, entry] of Object.entries(CLONE_REGISTRY)) {
    const samples = entry.samples();
    expect({ name, count: samples.length > 0 }).toEqual({ name, count: true });
    for (const s of samples) {
      const r = v.safeParse(entry.schema, s.value);
      expect({ name, sample: s.name, ok: r.success, issue: r.issues?.[0]?.message }).toEqual({ name, sample: s.name, ok: true, issue: undefined });
    }
  }
});

test("registryGaps reports an unregistered schema and an uncovered variant", () => {
  const Extra = v.object({ a: v.string() });
  const Msg = v.variant("type", [v.object({ type: v.literal("one") }), v.object({ type: v.literal("two") })]);
  const registry: Record<string, CloneEntry> = { Msg: { schema: Msg, samples: () => [{ name: "one", value: { type: "one" } }] } };
  expect(registryGaps(registry, { "model/x": { ExtraSchema: Extra, MsgSchema: Msg, helper: 1 } })).toEqual([
    "model/x.ExtraSchema has no samples",
    "Msg variant type=two has no sample",
  ]);
});
