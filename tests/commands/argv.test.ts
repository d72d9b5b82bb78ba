import { expect, test } from "bun:test";
import { defineCommand } from "citty";
import { checkArgv } from "../../src/commands/argv.ts";
import { subCommands } from "../../src/commands/index.ts";

const main = defineCommand({ meta: { name: "weft" }, subCommands });
// A command shaped like the ones other stages add: string, enum, aliased and camelCase options.
const demo = defineCommand({
  meta: { name: "demo" },
  args: {
    paths: { type: "positional", required: false },
    format: { type: "enum", options: ["jsonl", "json"], alias: "f" },
    maxTokens: { type: "string" },
    progress: { type: "boolean", default: true },
  },
  run() {},
});
const withDemo = defineCommand({ meta: { name: "weft" }, subCommands: { ...subCommands, demo } });

const kind = async (argv: string[], cmd = main) => {
  const inv = await checkArgv(cmd, argv);
  return inv.kind === "usage-error" ? `error: ${inv.message}` : inv.kind;
};

test("top level", async () => {
  expect(await kind([])).toBe("error: missing command");
  expect(await kind(["--version"])).toBe("version");
  expect(await kind(["-v"])).toBe("version");
  expect(await kind(["--help"])).toBe("help");
  expect(await kind(["nope"])).toBe('error: unknown command "nope"');
  expect(await kind(["--nope"])).toBe(`error: unknown option "--nope" for 'weft'`);
});

test("the real commands", async () => {
  expect(await kind(["languages"])).toBe("run");
  expect(await kind(["languages", "--json"])).toBe("run");
  expect(await kind(["languages", "--no-json"])).toBe("run");
  expect(await kind(["languages", "--help"])).toBe("help");
  expect(await kind(["languages", "--jsn"])).toBe(`error: unknown option "--jsn" for 'weft languages'`);
  expect(await kind(["languages", "extra"])).toBe(`error: unexpected argument "extra" for 'weft languages'`);
  expect(await kind(["chunk", "a", "b", "-"])).toBe("run");
});

test("option shapes any command can declare", async () => {
  expect(await kind(["demo", "x", "--format", "json", "--max-tokens", "512", "--no-progress"], withDemo)).toBe("run");
  expect(await kind(["demo", "-f", "jsonl", "--maxTokens=9", "--progress=false"], withDemo)).toBe("run");
  expect(await kind(["demo", "--format", "xml"], withDemo)).toBe(
    'error: option --format must be one of jsonl, json (got "xml")',
  );
  expect(await kind(["demo", "--max-tokens"], withDemo)).toBe("error: option --maxTokens needs a value");
  expect(await kind(["demo", "--max-tokens", "--progress"], withDemo)).toBe("error: option --maxTokens needs a value");
  // A negative number is the option's value (its own bounds check rejects it), not an unknown option.
  expect(await kind(["demo", "--max-tokens", "-5"], withDemo)).toBe("run");
  expect(await kind(["demo", "--max-tokens", "-.5"], withDemo)).toBe("run");
  expect(await kind(["demo", "--max-tokens", "-x"], withDemo)).toBe("error: option --maxTokens needs a value");
  expect(await kind(["demo", "--no-format"], withDemo)).toBe(`error: unknown option "--no-format" for 'weft demo'`);
  expect(await kind(["demo", "--", "--not-an-option"], withDemo)).toBe("run");
  expect(await kind(["languages", "--", "x"], withDemo)).toBe(`error: unexpected argument "x" for 'weft languages'`);
});
