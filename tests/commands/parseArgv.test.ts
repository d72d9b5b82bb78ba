import { describe, expect, test } from "bun:test";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import type { CommandOptions } from "../../src/commands/commandOptions.ts";
import { COMMANDS, type CommandName } from "../../src/commands/options.ts";
import { parseArgv, type Invocation } from "../../src/commands/parseArgv.ts";
import { usage } from "../../src/commands/usage.ts";

/** A short reading of an invocation: the error line, "help <command>", or the kind. */
const kind = (argv: string[]): string => {
  const inv = parseArgv(argv);
  if (inv.kind === "usage-error") return `error: ${inv.line.replace(/^weft: /, "")}`;
  if (inv.kind === "help") return `help ${inv.command ?? "weft"}`;
  return inv.kind;
};

/** The options a command line runs `command` with (fails the test on anything else). */
function optionsOf<K extends CommandName>(command: K, argv: string[]) {
  const inv: Invocation = parseArgv([command, ...argv]);
  if (inv.kind !== "run" || inv.command !== command) throw new Error(`${argv.join(" ")}: ${JSON.stringify(inv)}`);
  return inv.options as CommandOptions[K];
}

describe("parseArgv", () => {
  test("top level", () => {
    expect(kind([])).toBe("error: missing command");
    expect(kind(["--"])).toBe("error: missing command");
    expect(kind(["--version"])).toBe("version");
    expect(kind(["-v", "chunk"])).toBe("version");
    expect(kind(["--help"])).toBe("help weft");
    expect(kind(["-h", "chunk"])).toBe("help weft");
    expect(kind(["nope"])).toBe('error: unknown command "nope"');
    expect(kind(["--nope"])).toBe(`error: unknown option "--nope" for 'weft'`);
    expect(kind(["--", "chunk"])).toBe(`error: unexpected argument "chunk" for 'weft'`);
    // --help and --version act when seen: a value is a mistake, not an instruction to ignore them.
    expect(kind(["--version=false", "models"])).toBe('error: option --version takes no value (got "false")');
    expect(kind(["--help=x"])).toBe('error: option --help takes no value (got "x")');
    expect(kind(["toString"])).toBe('error: unknown command "toString"');
  });

  test("a malformed command line names the command whose usage follows", () => {
    expect(parseArgv(["chunk", "--nope"])).toEqual({
      kind: "usage-error",
      line: `weft: unknown option "--nope" for 'weft chunk'`,
      usageOf: "chunk",
    });
    expect(parseArgv(["--nope"])).toMatchObject({ usageOf: "weft" });
  });

  test("the real commands", () => {
    expect(optionsOf("languages", [])).toEqual({ json: false });
    expect(optionsOf("languages", ["--json"])).toEqual({ json: true });
    expect(optionsOf("languages", ["--json", "--no-json"])).toEqual({ json: false });
    expect(optionsOf("models", ["--json=true"])).toEqual({ json: true });
    expect(optionsOf("models", ["--json", "--json=false"])).toEqual({ json: false });
    expect(kind(["languages", "--help"])).toBe("help languages");
    expect(kind(["languages", "--jsn"])).toBe(`error: unknown option "--jsn" for 'weft languages'`);
    expect(kind(["languages", "--json=yes"])).toBe('error: option --json takes no value (got "yes")');
    expect(kind(["languages", "extra"])).toBe(`error: unexpected argument "extra" for 'weft languages'`);
    expect(kind(["languages", "--", "x"])).toBe(`error: unexpected argument "x" for 'weft languages'`);
    expect(kind(["languages", "--"])).toBe("run");
    expect(kind(["chunk", "-v"])).toBe(`error: unknown option "-v" for 'weft chunk'`);
    expect(optionsOf("chunk", ["a", "--quiet", "b", "-"]).discovery.paths).toEqual(["a", "b", "-"]);
  });

  test("values: inline or next, a missing one, negative numbers, `--`", () => {
    expect(optionsOf("chunk", ["--max-tokens", "512"]).governor.maxTokens).toBe(512);
    expect(optionsOf("chunk", ["--max-tokens=300"]).governor.maxTokens).toBe(300);
    expect(optionsOf("chunk", ["--maxTokens", "64"]).governor.maxTokens).toBe(64); // citty's camelCase spelling
    expect(kind(["chunk", "--format"])).toBe("error: option --format needs a value");
    expect(kind(["chunk", "--max-tokens", "--quiet"])).toBe("error: option --max-tokens needs a value");
    expect(kind(["chunk", "--workers", "-x"])).toBe("error: option --workers needs a value");
    // A negative number is the option's value, rejected by its own bounds check, not an unknown option.
    expect(kind(["chunk", "--workers", "-5"])).toBe('error: --workers must be an integer >= 1, got "-5"');
    expect(kind(["chunk", "--timeout", "-.5"])).toBe('error: --timeout must be a number >= 0, got "-.5"');
    // Decimal digits only: hex, exponents, signs and spaces are not numbers here, whatever Number() says.
    for (const raw of ["0x2", "2e0", "+2", " 2", "2 ", "0b10", "2.0", ""])
      expect(kind(["chunk", "--workers", raw])).toBe(`error: --workers must be an integer >= 1, got "${raw}"`);
    for (const raw of ["0x10", "1e1", " 5", "Infinity", ".5"])
      expect(kind(["chunk", "--timeout", raw])).toBe(`error: --timeout must be a number >= 0, got "${raw}"`);
    expect(optionsOf("chunk", ["--timeout", "2.5"]).timeoutMs).toBe(2500);
    expect(optionsOf("chunk", ["--workers", "02"]).workers).toBe(2);
    expect(optionsOf("chunk", ["--skipped=", "x"])).toMatchObject({ skippedFile: "", discovery: { paths: ["x"] } });
    expect(kind(["chunk", "--format="])).toBe('error: --format must be one of jsonl, json, text, got ""');
    expect(optionsOf("chunk", ["--", "--not-an-option", "-0"]).discovery.paths).toEqual(["--not-an-option", "-0"]);
    expect(optionsOf("chunk", ["a", "--", "b"]).discovery.paths).toEqual(["a", "b"]);
  });

  test("flags: negation, true/false, the last one given wins", () => {
    expect(optionsOf("chunk", ["--no-ignore"]).discovery.ignoreFiles).toBe(false);
    expect(optionsOf("chunk", ["--ignore=false"]).discovery.ignoreFiles).toBe(false);
    expect(optionsOf("chunk", ["--no-skipMinified"]).discovery.skipMinified).toBe(false);
    // citty applied every --no-X last, whatever the order: `--no-hidden --hidden` meant no hidden files.
    expect(optionsOf("chunk", ["--no-hidden", "--hidden"]).discovery.hidden).toBe(true);
    expect(optionsOf("chunk", ["--hidden", "--no-hidden"]).discovery.hidden).toBe(false);
    expect(optionsOf("chunk", ["--format", "json", "--format", "text"]).format).toBe("text");
    expect(kind(["chunk", "--no-format"])).toBe(`error: unknown option "--no-format" for 'weft chunk'`);
    // citty read `--no-ignore=true` as an unknown flag "ignore=true" and kept the ignore rules on.
    expect(kind(["chunk", "--no-ignore=true"])).toBe('error: option --no-ignore takes no value (got "true")');
  });

  test("one dash takes one letter", () => {
    for (const spelling of [["-0"], ["--0"], ["--null"], ["-0=true"]])
      expect(optionsOf("chunk", ["--stdin", ...spelling]).stdin).toEqual({ nul: true });
    // Accepted by the old check, then read by citty as the letters h, i, d, ... and ignored.
    expect(kind(["chunk", "-hidden"])).toBe(`error: unknown option "-hidden" for 'weft chunk'`);
    // Worse: the letters f, o, r, m, a, t, then "json" as a path to chunk.
    expect(kind(["chunk", "-format", "json"])).toBe(`error: unknown option "-format" for 'weft chunk'`);
    expect(kind(["chunk", "-Z", "."])).toBe(`error: unknown option "-Z" for 'weft chunk'`);
  });

  test("repeatable options keep every value, in order", () => {
    const o = optionsOf("files", ["--include", "*.py", "--include=*.go", "--lang", "python,go", "--lang=rust"]);
    expect(o.discovery.include).toEqual(["*.py", "*.go"]);
    expect(o.discovery.languages).toEqual(["python", "go", "rust"]);
    expect(kind(["files", "--include"])).toBe("error: option --include needs a value");
  });

  test("weft chunk's typed options and their defaults", () => {
    const o = optionsOf("chunk", []);
    expect({ ...o, discovery: undefined }).toEqual({
      discovery: undefined,
      stdin: undefined,
      governor: DEFAULT_GOVERNOR,
      format: "jsonl",
      executor: "auto",
      workers: undefined,
      timeoutMs: 30_000,
      quiet: false,
      summaryJson: undefined,
      skippedFile: undefined,
    });
    expect(o.discovery).toMatchObject({ paths: ["."], listed: [], ignoreFiles: true });
    expect(
      optionsOf("chunk", [
        "--executor",
        "workers",
        "--workers",
        "2",
        "--timeout",
        "0.5",
        "--quiet",
        "--summary-json",
        "s.json",
        "--skipped",
        "k.jsonl",
        "--model",
        "text-embedding-3-small",
        "--context",
      ]),
    ).toMatchObject({
      executor: "workers",
      workers: 2,
      timeoutMs: 500,
      quiet: true,
      summaryJson: "s.json",
      skippedFile: "k.jsonl",
      governor: { maxTokens: 8191, tokenizer: "cl100k", context: true },
    });
  });

  test("a bad value is one line without the usage; weft diagnose names itself", () => {
    expect(parseArgv(["chunk", "--executor", "gpu"])).toEqual({
      kind: "usage-error",
      line: 'weft: --executor must be one of auto, inline, workers, got "gpu"',
    });
    expect(kind(["chunk", "--workers", "9999"])).toMatch(/^error: --workers must be at most \d+ \(twice the/);
    expect(kind(["chunk", "--model", "nope", "--format", "xml"])).toMatch(/^error: unknown --model 'nope'/);
    expect(parseArgv(["diagnose", "--limit", "5"])).toEqual({
      kind: "usage-error",
      line: "weft diagnose: --limit needs --path",
    });
    expect(optionsOf("diagnose", ["--only", "env, clone", "--json"])).toEqual({
      json: true,
      sections: ["env", "clone"],
      limit: 200,
    });
    expect(optionsOf("diagnose", ["--path", ".", "--limit", "3"])).toMatchObject({ path: ".", limit: 3 });
  });
});

describe("usage", () => {
  test("every option of the table is in its command's usage, and the exit codes in weft's", async () => {
    for (const [name, spec] of Object.entries(COMMANDS)) {
      const text = await usage(name as CommandName, process.stdout);
      expect(text).toContain(`USAGE weft ${name} [OPTIONS]`);
      for (const [option, def] of Object.entries(spec.options))
        expect(text).toContain(def.type === "positional" ? option.toUpperCase() : `--${option}`);
    }
    const main = await usage("weft", process.stdout);
    for (const name of Object.keys(COMMANDS)) expect(main).toMatch(new RegExp(`\n +${name}    `));
    expect(main).toContain("EXIT CODES");
    expect(main).not.toContain("\x1b["); // not a terminal: no colours
  });
});
