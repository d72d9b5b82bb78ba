import { expect, test } from "bun:test";
import { Glob } from "bun";
import { join } from "node:path";
import * as v from "valibot";
import {
  CLONE_REGISTRY,
  NOT_CROSSING,
  registryGaps,
  SCHEMA_MODULES,
  type CloneEntry,
} from "../../../diagnostics/clone/registry.ts";

const SRC = join(import.meta.dir, "../../../src");
/** "model/chunk.ts:ChunkSchema" -> "model/chunk", the key SCHEMA_MODULES and NOT_CROSSING use. */
const moduleId = (name: string) => name.split(":")[0]!.replace(/\.ts$/, "");

/** Every exported `*Schema` of every module under src/, found by importing the modules that declare one. */
async function exportedSchemas(): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (const file of new Glob("**/*.ts").scanSync(SRC)) {
    // Import only modules that declare a schema: src/cli.ts runs the CLI when imported.
    if (!/export const \w+Schema\b/.test(await Bun.file(join(SRC, file)).text())) continue;
    const ns = (await import(join(SRC, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(ns)) if (name.endsWith("Schema")) found.set(`${file}:${name}`, value);
  }
  return found;
}

test("every exported schema under src/ has samples in the clone registry, or is declared not to cross", async () => {
  const schemas = await exportedSchemas();
  expect(schemas.size).toBeGreaterThanOrEqual(20);
  const registered = new Set(Object.values(CLONE_REGISTRY).map((e) => e.schema));
  const missing = [...schemas]
    .filter(([name, s]) => !registered.has(s as v.GenericSchema) && !(moduleId(name) in NOT_CROSSING))
    .map(([name]) => name);
  expect(missing).toEqual([]);
  // The binary's own coverage check (registryGaps) walks SCHEMA_MODULES: it must list every module with registered schemas.
  const listed = new Set(Object.values(SCHEMA_MODULES));
  for (const file of new Set([...schemas.keys()].map((k) => k.split(":")[0]!))) {
    if (moduleId(file) in NOT_CROSSING) continue;
    expect({ file, listed: listed.has((await import(join(SRC, file))) as Record<string, unknown>) }).toEqual({
      file,
      listed: true,
    });
  }
  expect(registryGaps()).toEqual([]);
});

test("every sample is valid for its schema, and every variant of a message has a sample", () => {
  for (const [name, entry] of Object.entries(CLONE_REGISTRY)) {
    const samples = entry.samples();
    expect({ name, count: samples.length > 0 }).toEqual({ name, count: true });
    for (const s of samples) {
      const r = v.safeParse(entry.schema, s.value);
      expect({ name, sample: s.name, ok: r.success, issue: r.issues?.[0]?.message }).toEqual({
        name,
        sample: s.name,
        ok: true,
        issue: undefined,
      });
    }
  }
});

test("registryGaps reports an unregistered schema and an uncovered variant", () => {
  const Extra = v.object({ a: v.string() });
  const Msg = v.variant("type", [v.object({ type: v.literal("one") }), v.object({ type: v.literal("two") })]);
  const registry: Record<string, CloneEntry> = {
    Msg: { schema: Msg, samples: () => [{ name: "one", value: { type: "one" } }] },
  };
  expect(registryGaps(registry, { "model/x": { ExtraSchema: Extra, MsgSchema: Msg, helper: 1 } })).toEqual([
    "model/x.ExtraSchema has no samples",
    "Msg variant type=two has no sample",
  ]);
});
