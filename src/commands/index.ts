import { chunk } from "./chunk.ts";
import type { CommandOptions } from "./commandOptions.ts";
import { diagnose } from "./diagnose.ts";
import type { Outcome } from "./exitCodes.ts";
import { files } from "./files.ts";
import { languages } from "./languages.ts";
import { models } from "./models.ts";
import type { CommandName } from "./options.ts";
import type { Run } from "./parseArgv.ts";
import { schema } from "./schema.ts";

export { parseArgv } from "./parseArgv.ts";
export { usage } from "./usage.ts";

/** What each command does with its checked options; each returns its outcome, never an exit code. */
const RUN: { [K in CommandName]: (options: CommandOptions[K]) => Promise<Outcome> } = {
  chunk,
  diagnose,
  files,
  languages,
  models,
  schema,
};

/** Runs the command the command line asked for. */
export function runCommand<K extends CommandName>(run: Run & { command: K }): Promise<Outcome> {
  return RUN[run.command](run.options as CommandOptions[K]);
}
