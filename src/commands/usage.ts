import { defineCommand, renderUsage, type ArgsDef, type CommandDef } from "citty";
import { VERSION } from "../version.ts";
import { EXIT_CODES_HELP } from "./exitCodes.ts";
import type { OptionTable } from "../model/optionTable.ts";
import { COMMANDS, MAIN_DESCRIPTION, MAIN_OPTIONS, type CommandName } from "./options.ts";

// The table's entries are citty argument definitions (citty ignores `repeatable`, which is ours).
const cittyArgs = (table: OptionTable): ArgsDef => table;

const subCommands = Object.fromEntries(
  Object.entries(COMMANDS).map(([name, spec]) => [
    name,
    defineCommand({ meta: { name, description: spec.description }, args: cittyArgs(spec.options) }),
  ]),
);
const main = defineCommand({
  meta: { name: "weft", version: VERSION, description: MAIN_DESCRIPTION },
  args: cittyArgs(MAIN_OPTIONS),
  subCommands,
});

/**
 * The usage of `weft` or one of its commands, rendered by citty from the option table; weft's own
 * ends with the exit codes. Colours only for a terminal.
 */
export async function usage(of: CommandName | "weft", stream: NodeJS.WriteStream): Promise<string> {
  const text =
    of === "weft"
      ? `${await renderUsage(main)}\n\n${EXIT_CODES_HELP}\n`
      : `${await renderUsage(subCommands[of] as CommandDef, main)}\n`;
  return stream.isTTY ? text : Bun.stripANSI(text);
}
