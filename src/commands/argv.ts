import type { ArgDef, CommandDef } from "citty";

// any: citty's CommandDef is generic per command; this module only reads the shape of each.
type AnyCommand = CommandDef<any>;

/** What the command line asks for, checked against every command's `args` before anything runs. */
export type Invocation =
  | { kind: "run" }
  | { kind: "version" }
  | { kind: "help"; cmd: AnyCommand; parent?: AnyCommand }
  | { kind: "usage-error"; message: string; cmd: AnyCommand; parent?: AnyCommand };

async function resolve<T>(value: T | (() => T | Promise<T>) | Promise<T> | undefined): Promise<T | undefined> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every spelling citty accepts for each option of a command: name, kebab/camel forms, aliases. */
function optionTable(args: Record<string, ArgDef>): Map<string, { name: string; def: ArgDef }> {
  const table = new Map<string, { name: string; def: ArgDef }>();
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    const aliases = "alias" in def && def.alias !== undefined ? [def.alias].flat() : [];
    for (const spelling of [name, kebab(name), camel(name), ...aliases]) table.set(spelling, { name, def });
  }
  return table;
}

/**
 * Walks argv the way citty will, descending into subcommands, and rejects what citty would
 * silently accept: unknown commands, unknown options, missing option values, bad enum values,
 * stray positional arguments. Works for any command added to the tree, from its `args` alone.
 */
export async function checkArgv(main: AnyCommand, argv: readonly string[]): Promise<Invocation> {
  let cmd = main;
  let parent: AnyCommand | undefined;
  let args: Record<string, ArgDef> = (await resolve(cmd.args)) ?? {};
  let options = optionTable(args);
  let subs = await resolve(cmd.subCommands);
  let positionals = 0;
  const error = (message: string): Invocation => ({ kind: "usage-error", message, cmd, ...(parent ? { parent } : {}) });
  const name = async () =>
    [(await resolve(parent?.meta))?.name, (await resolve(cmd.meta))?.name].filter(Boolean).join(" ");

  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === "--help" || tok === "-h") return { kind: "help", cmd, ...(parent ? { parent } : {}) };
    if ((tok === "--version" || tok === "-v") && cmd === main) return { kind: "version" };
    if (tok === "--") {
      const rest = argv.length - i - 1;
      if (rest > 0 && !Object.values(args).some((d) => d.type === "positional"))
        return error(`unexpected argument "${argv[i + 1]}" for '${await name()}'`);
      break;
    }
    if (tok.startsWith("-") && tok !== "-") {
      const [flag = "", inline] = splitOnce(tok.replace(/^--?/, ""), "=");
      let opt = options.get(flag);
      if (!opt && flag.startsWith("no-")) {
        const positive = options.get(flag.slice(3));
        if (positive?.def.type === "boolean") opt = positive;
      }
      if (!opt) return error(`unknown option "${tok.split("=")[0]}" for '${await name()}'`);
      if (opt.def.type === "boolean") {
        if (inline !== undefined && !["true", "false"].includes(inline))
          return error(`option --${opt.name} takes no value (got "${inline}")`);
        continue;
      }
      let value = inline;
      if (value === undefined) {
        const next = argv[i + 1];
        // A negative number is a value (the option's own check rejects it with its bounds), not an option.
        if (next === undefined || (next.startsWith("-") && next !== "-" && !NEGATIVE_NUMBER.test(next)))
          return error(`option --${opt.name} needs a value`);
        value = next;
        i++;
      }
      const choices = opt.def.type === "enum" ? opt.def.options : undefined;
      if (choices && !choices.includes(value))
        return error(`option --${opt.name} must be one of ${choices.join(", ")} (got "${value}")`);
      continue;
    }
    if (subs && Object.keys(subs).length > 0 && positionals === 0) {
      const sub = await findSubCommand(subs, tok);
      if (!sub) return error(`unknown command "${tok}"`);
      parent = cmd;
      cmd = sub;
      args = (await resolve(cmd.args)) ?? {};
      options = optionTable(args);
      subs = await resolve(cmd.subCommands);
      continue;
    }
    positionals++;
    if (!Object.values(args).some((d) => d.type === "positional"))
      return error(`unexpected argument "${tok}" for '${await name()}'`);
  }
  if (subs && Object.keys(subs).length > 0 && !cmd.run)
    return error(cmd === main ? "missing command" : `missing subcommand for '${await name()}'`);
  return { kind: "run" };
}

async function findSubCommand(subs: Record<string, unknown>, tok: string): Promise<AnyCommand | undefined> {
  if (tok in subs) return resolve(subs[tok] as AnyCommand);
  for (const candidate of Object.values(subs)) {
    const sub = await resolve(candidate as AnyCommand);
    const alias = (await resolve(sub?.meta))?.alias;
    if (alias !== undefined && [alias].flat().includes(tok)) return sub;
  }
  return undefined;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}
