#!/usr/bin/env bun
import { defineCommand, renderUsage, runCommand, type CommandDef } from "citty";
import { checkArgv } from "./commands/argv.ts";
import { EXIT, EXIT_CODES_HELP } from "./commands/exitCodes.ts";
import { errorMessage, WeftError } from "./model/errors.ts";
import { VERSION, versionLine } from "./version.ts";

// any: citty's CommandDef is generic per command.
type AnyCommand = CommandDef<any>;

// A reader that goes away (`weft ... | head`) is not an error: stop quietly. Anything else that
// escapes becomes one line and exit 3, never a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(EXIT.ok);
  fatal(err);
});
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

function fatal(err: unknown): never {
  process.stderr.write(`weft: internal error: ${Bun.stripANSI(errorMessage(err))}\n`);
  process.exit(EXIT.internal);
}

/**
 * The command tree. Imported dynamically, after the handlers above exist, because the commands
 * load the native ast-grep addon: if the system cannot load it (a missing libgcc_s, say), the
 * user gets one line instead of Bun's source dump.
 */
async function mainCommand(): Promise<AnyCommand> {
  const { subCommands } = await import("./commands/index.ts");
  return defineCommand({
    meta: {
      name: "weft",
      version: VERSION,
      description: "Split source code into syntax-aware, lossless chunks for embedding and retrieval",
    },
    // Handled by checkArgv before citty runs; declared so that the usage lists them.
    args: {
      version: { type: "boolean", alias: "v", description: "Print the version" },
      help: { type: "boolean", alias: "h", description: "Show this help" },
    },
    subCommands,
  });
}

async function usage(
  cmd: AnyCommand,
  parent: AnyCommand | undefined,
  isMain: boolean,
  stream: NodeJS.WriteStream,
): Promise<string> {
  const text = `${await renderUsage(cmd, parent)}\n${isMain ? `\n${EXIT_CODES_HELP}\n` : ""}`;
  return stream.isTTY ? text : Bun.stripANSI(text);
}

/** Runs weft with argv and returns the exit code; the only place exit codes are decided. */
async function run(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${versionLine()}\n`); // without loading the native addon
    return EXIT.ok;
  }
  let main: AnyCommand;
  try {
    main = await mainCommand();
  } catch (err) {
    process.stderr.write(`weft: cannot start: ${Bun.stripANSI(errorMessage(err))}\n`);
    return EXIT.internal;
  }
  try {
    const inv = await checkArgv(main, argv);
    if (inv.kind === "version") {
      process.stdout.write(`${versionLine()}\n`);
      return EXIT.ok;
    }
    if (inv.kind === "help") {
      process.stdout.write(await usage(inv.cmd, inv.parent, inv.cmd === main, process.stdout));
      return EXIT.ok;
    }
    if (inv.kind === "usage-error") {
      process.stderr.write(
        `weft: ${inv.message}\n\n${await usage(inv.cmd, inv.parent, inv.cmd === main, process.stderr)}`,
      );
      return EXIT.usage;
    }
    await runCommand(main, { rawArgs: argv });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    process.stderr.write(`weft: ${Bun.stripANSI(errorMessage(err))}\n`);
    // citty's own argument errors (a missing required argument...) and bad option values are usage errors.
    const isUsage =
      (err instanceof Error && err.name === "CLIError") || (err instanceof WeftError && err.code === "usage");
    return isUsage ? EXIT.usage : EXIT.internal;
  }
}

process.exitCode = await run(process.argv.slice(2));
