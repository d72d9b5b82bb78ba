#!/usr/bin/env bun
import { defineCommand, renderUsage, runCommand, type CommandDef } from "citty";
import { checkArgv } from "./commands/argv.ts";
import { EXIT, EXIT_CODES_HELP } from "./commands/exitCodes.ts";
import { subCommands } from "./commands/index.ts";
import { errorMessage } from "./model/errors.ts";
import { VERSION } from "./version.ts";

const main = defineCommand({
  meta: { name: "weft", version: VERSION, description: "Split source code into syntax-aware, lossless chunks for embedding and retrieval" },
  subCommands,
});

// any: citty's CommandDef is generic per command.
async function usage(cmd: CommandDef<any>, parent: CommandDef<any> | undefined, stream: NodeJS.WriteStream): Promise<string> {
  const text = `${await renderUsage(cmd, parent)}\n${cmd === main ? `\n${EXIT_CODES_HELP}\n` : ""}`;
  return stream.isTTY ? text : Bun.stripANSI(text);
}

/** Runs weft with argv and returns the exit code; the only place exit codes are decided. */
async function run(argv: string[]): Promise<number> {
  try {
    const inv = await checkArgv(main, argv);
    if (inv.kind === "version") {
      process.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (inv.kind === "help") {
      process.stdout.write(await usage(inv.cmd, inv.parent, process.stdout));
      return EXIT.ok;
    }
    if (inv.kind === "usage-error") {
      process.stderr.write(`weft: ${inv.message}\n\n${await usage(inv.cmd, inv.parent, process.stderr)}`);
      return EXIT.usage;
    }
    await runCommand(main, { rawArgs: argv });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    process.stderr.write(`weft: ${Bun.stripANSI(errorMessage(err))}\n`);
    // citty's own argument errors (a missing required argument...) are usage errors too.
    return err instanceof Error && err.name === "CLIError" ? EXIT.usage : EXIT.internal;
  }
}

process.exitCode = await run(process.argv.slice(2));
