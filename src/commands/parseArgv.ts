import { errorMessage, WeftError } from "../model/errors.ts";
import { OPTIONS_OF, type CommandOptions } from "./commandOptions.ts";
import type { OptionDef, OptionTable } from "../model/optionTable.ts";
import { COMMANDS, MAIN_OPTIONS, type CommandName } from "./options.ts";

/** A command to run with its checked, typed options. */
export type Run = { [K in CommandName]: { kind: "run"; command: K; options: CommandOptions[K] } }[CommandName];

/** What the command line asks for. `command` undefined is `weft` itself. */
export type Invocation =
  | Run
  | { kind: "version" }
  | { kind: "licenses" }
  | { kind: "help"; command: CommandName | undefined }
  /** `line` is the whole message; the usage of `usageOf` follows it when the command line itself was malformed. */
  | { kind: "usage-error"; line: string; usageOf?: CommandName | "weft" };

// A negative number is a value (the option's own check rejects it with its bounds), not an option.
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

type Entry = { name: string; def: OptionDef };

/** Every spelling of each option: `--name`, `--camelName`, and `-a` / `--a` for an alias. */
function spellings(table: OptionTable): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [name, def] of Object.entries(table)) {
    if (def.type === "positional") continue;
    for (const spelling of [name, camel(name), ...(def.alias === undefined ? [] : [def.alias])])
      out.set(spelling, { name, def });
  }
  return out;
}

/** Each option's value before anything is given: its default, false, or an empty list. */
function initialValues(table: OptionTable): Record<string, string | boolean | string[] | undefined> {
  const out: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, def] of Object.entries(table))
    out[name] =
      def.type === "positional" || (def.type === "string" && def.repeatable)
        ? []
        : def.type === "boolean"
          ? (def.default ?? false)
          : def.default;
  return out;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

/**
 * The one parse of weft's command line: walks argv once against the option table (options.ts),
 * then hands the values to the command's builder (commandOptions.ts), which checks them. Rejects
 * what a lenient parser would silently accept: unknown commands and options, a missing or
 * unexpected value, stray positional arguments.
 */
export function parseArgv(argv: readonly string[]): Invocation {
  let command: CommandName | undefined;
  let table: OptionTable = MAIN_OPTIONS;
  let options = spellings(table);
  let values = initialValues(table);
  // The entry that collects positional arguments, if the command takes any.
  let list: string | undefined;
  const name = () => (command ? `weft ${command}` : "weft");
  const malformed = (message: string): Invocation => ({
    kind: "usage-error",
    line: `weft: ${message}`,
    usageOf: command ?? "weft",
  });

  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === "--help" || tok === "-h") return { kind: "help", command };
    if ((tok === "--version" || tok === "-v") && !command) return { kind: "version" };
    if (tok === "--licenses" && !command) return { kind: "licenses" };
    if (tok === "--") {
      if (i + 1 < argv.length && !list) return malformed(`unexpected argument "${argv[i + 1]}" for '${name()}'`);
      if (list) (values[list] as string[]).push(...argv.slice(i + 1));
      break;
    }
    if (tok.startsWith("-") && tok !== "-") {
      const long = tok.startsWith("--");
      const [flag = "", inline] = splitOnce(tok.slice(long ? 2 : 1), "=");
      // One dash takes one letter: `-hidden` is not `--hidden` (it used to be accepted and ignored).
      let opt = long || flag.length === 1 ? options.get(flag) : undefined;
      let negated = false;
      if (!opt && long && flag.startsWith("no-")) {
        const positive = options.get(flag.slice(3));
        if (positive?.def.type === "boolean") [opt, negated] = [positive, true];
      }
      if (!opt) return malformed(`unknown option "${tok.split("=")[0]}" for '${name()}'`);
      if (opt.def.type === "boolean") {
        // --help and --version act as soon as they are seen, so they take no value at all.
        const allowed = negated || !command ? [] : ["true", "false"];
        if (inline !== undefined && !allowed.includes(inline))
          return malformed(`option --${negated ? "no-" : ""}${opt.name} takes no value (got "${inline}")`);
        values[opt.name] = !negated && inline !== "false";
        continue;
      }
      let value = inline;
      if (value === undefined) {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith("-") && next !== "-" && !NEGATIVE_NUMBER.test(next)))
          return malformed(`option --${opt.name} needs a value`);
        value = next;
        i++;
      }
      if (opt.def.type === "string" && opt.def.repeatable) (values[opt.name] as string[]).push(value);
      else values[opt.name] = value;
      continue;
    }
    if (!command) {
      if (!Object.hasOwn(COMMANDS, tok)) return malformed(`unknown command "${tok}"`);
      command = tok as CommandName;
      table = COMMANDS[command].options;
      options = spellings(table);
      values = initialValues(table);
      list = Object.keys(table).find((k) => table[k]!.type === "positional");
      continue;
    }
    if (!list) return malformed(`unexpected argument "${tok}" for '${name()}'`);
    (values[list] as string[]).push(tok);
  }
  if (!command) return malformed("missing command");
  return withOptions(command, values);
}

/** The command's typed options from its values; a bad value is a one-line usage error, without the usage. */
function withOptions(command: CommandName, values: Record<string, unknown>): Invocation {
  try {
    // The values were built from this command's table, so they have the shape its builder takes.
    const options = (OPTIONS_OF[command] as (v: Record<string, unknown>) => unknown)(values);
    return { kind: "run", command, options } as Run;
  } catch (err) {
    if (!(err instanceof WeftError && err.code === "usage")) throw err;
    const spec = COMMANDS[command];
    const prefix = "valueErrorPrefix" in spec ? spec.valueErrorPrefix : "weft";
    return { kind: "usage-error", line: `${prefix}: ${errorMessage(err)}` };
  }
}
