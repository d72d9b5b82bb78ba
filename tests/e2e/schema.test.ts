// `weft schema`: the JSON Schema of the record and of --summary-json, checked with an independent
// validator (Ajv, draft-07) against what the compiled binary writes: the fixtures with every optional
// field present, invalid UTF-8, and (opt-in, WEFT_CORPUS) the whole corpus.
import { afterAll, describe, expect, test } from "bun:test";
import Ajv, { type ValidateFunction } from "ajv";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { jsonSchema } from "../../src/output/schema.ts";
import { cleanup, runWeft, sandbox, type Sandbox } from "./harness.ts";

afterAll(cleanup);

const FIXTURES = resolve(import.meta.dir, "../fixtures/engine");
const env = process.env.WEFT_CORPUS;
const CORPUS = `${env && env !== "1" && env !== "true" ? env : "/tmp/weft-corpus"}/src`;
const corpusEnabled = env !== undefined && existsSync(CORPUS);
if (!corpusEnabled) console.warn(`schema corpus test SKIPPED: set WEFT_CORPUS=1 (corpus at ${CORPUS})`);

type Schema = { properties: Record<string, unknown>; required: string[] } & Record<string, unknown>;

async function schemaOf(sb: Sandbox, args: string[]): Promise<Schema> {
  const res = await runWeft(sb, ["schema", ...args]);
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as Schema;
}

/** A strict Ajv validator for `schema`; also rejects fields the schema does not list (a closed copy). */
function validator(schema: Schema): ValidateFunction {
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (!node || typeof node !== "object") return node;
    const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, close(v)]));
    return out.type === "object" && out.properties ? { ...out, additionalProperties: false } : out;
  };
  return new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(close(schema) as object);
}

/** Every record of a JSON Lines output that does not validate, with Ajv's reasons (at most 5). */
function invalid(validate: ValidateFunction, jsonl: string): string[] {
  const bad: string[] = [];
  for (const line of jsonl.split("\n")) {
    if (line === "") continue;
    if (!validate(JSON.parse(line)) && bad.length < 5)
      bad.push(`${line.slice(0, 120)}: ${JSON.stringify(validate.errors).slice(0, 300)}`);
  }
  return bad;
}

describe("weft schema", () => {
  test("prints the schemas generated from the valibot schemas, as draft-07 JSON Schema", async () => {
    const sb = sandbox();
    const record = await schemaOf(sb, []);
    const summary = await schemaOf(sb, ["--summary"]);
    expect(record).toEqual(jsonSchema("record") as Schema);
    expect(summary).toEqual(jsonSchema("summary") as Schema);
    expect(record.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(record.required).toEqual(expect.arrayContaining(["id", "path", "byte_start", "byte_end", "content"]));
    expect(Object.keys(record.properties)).toEqual(
      expect.arrayContaining(["invalid_utf8", "context", "overlap_before"]),
    );
    expect(summary.required).toEqual(expect.arrayContaining(["outcome", "exitCode", "submitted", "failures"]));
  });

  test("every record and the summary of a run validate with Ajv; a broken record does not", async () => {
    const sb = sandbox();
    const dir = join(sb.dir, "project");
    cpSync(FIXTURES, dir, { recursive: true });
    mkdirSync(join(dir, "odd"));
    // Invalid UTF-8, so records carry invalid_utf8; context and overlap give the other optional fields.
    writeFileSync(join(dir, "odd", "latin1.py"), Buffer.from("def caf\xe9():\n    return '\xff\xfe'\n", "latin1"));
    const res = await runWeft(sb, [
      "chunk",
      dir,
      "--max-tokens",
      "64",
      "--context",
      "--overlap-lines",
      "2",
      "--summary-json",
      join(sb.dir, "s.json"),
    ]);
    expect(res.code).toBe(0);
    const record = validator(await schemaOf(sb, []));
    expect(invalid(record, res.stdout)).toEqual([]);
    const lines = res.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((l) => l.includes('"invalid_utf8"'))).toBe(true);
    expect(lines.some((l) => l.includes('"overlap_before"'))).toBe(true);
    const summary = validator(await schemaOf(sb, ["--summary"]));
    expect(summary(JSON.parse(readFileSync(join(sb.dir, "s.json"), "utf8")))).toBe(true);

    // The validator is not vacuous: each kind of breakage is caught.
    const one = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const broken of [
      { ...one, byte_start: -1 },
      { ...one, strategy: "magic" },
      { ...one, content_hash: "xyz" },
      { ...one, extra: 1 },
      Object.fromEntries(Object.entries(one).filter(([k]) => k !== "id")),
    ])
      expect(record(broken)).toBe(false);
  });

  test.skipIf(!corpusEnabled)(
    "every record of the corpus validates",
    async () => {
      const sb = sandbox();
      const res = await runWeft(sb, ["chunk", CORPUS, "--quiet", "--summary-json", join(sb.dir, "s.json")]);
      expect([0, 1]).toContain(res.code);
      const record = validator(await schemaOf(sb, []));
      expect(invalid(record, res.stdout)).toEqual([]);
      const summary = JSON.parse(readFileSync(join(sb.dir, "s.json"), "utf8")) as { chunks: number };
      expect(res.stdout.split("\n").length - 1).toBe(summary.chunks);
      expect(validator(await schemaOf(sb, ["--summary"]))(summary)).toBe(true);
    },
    300_000,
  );
});
