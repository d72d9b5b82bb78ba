// The npm package's record types are generated from the JSON Schemas (themselves generated from the
// valibot schemas): the committed packaging/npm/src/records.ts must be what the generator writes now.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { BuildError } from "../../build/error.ts";
import { recordsModule, typeOf } from "../../build/jsonSchemaTypes.ts";
import type { ChunkRecord, RunSummary } from "../../packaging/npm/src/records.ts";
import type { Chunk } from "../../src/model/chunk.ts";
import type { Summary } from "../../src/output/summary.ts";

/** Compiles only when A and B are each assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const recordIsChunk: Same<ChunkRecord, Chunk> = true;
const summaryIsSummary: Same<RunSummary, Summary> = true;

describe("generated record types", () => {
  test("packaging/npm/src/records.ts is current (regenerate: bun build/npm.ts --types)", () => {
    const committed = readFileSync(resolve(import.meta.dir, "../../packaging/npm/src/records.ts"), "utf8");
    expect(committed).toBe(recordsModule());
    expect(recordIsChunk && summaryIsSummary).toBe(true);
  });

  test("JSON Schema nodes become the TypeScript types they mean", () => {
    expect(typeOf({ type: "integer", minimum: 0 })).toBe("number");
    expect(typeOf({ enum: ["a", "b"], type: "string" })).toBe('"a" | "b"');
    expect(typeOf({ type: "array", items: { type: "string" } })).toBe("string[]");
    expect(
      typeOf({ type: "object", properties: { a: { type: "boolean" }, "b-c": { type: "string" } }, required: ["a"] }),
    ).toBe('{\n  a: boolean;\n  "b-c"?: string;\n}');
    expect(() => typeOf({ type: "tuple" })).toThrow(BuildError);
  });
});
