#!/usr/bin/env bun
import { exitCode, exitNow, type Outcome } from "./commands/exitCodes.ts";
import { errorMessage, WeftError } from "./model/errors.ts";
import { licensesText } from "./notices.ts";
import { versionLine } from "./version.ts";

// A reader that goes away (`weft ... | head`) is not an error: stop quietly. Anything else that
// escapes becomes one line and exit 3, never a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") exitNow({ outputClosed: true });
  fatal(err);
});
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

function fatal(err: unknown): never {
  process.stderr.write(`weft: internal error: ${Bun.stripANSI(errorMessage(err))}\n`);
  exitNow({ internal: true });
}

/** Runs weft with argv and returns what came of it; the caller turns that into the exit code. */
async function run(argv: string[]): Promise<Outcome> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${versionLine()}\n`); // without loading the native addon
    return {};
  }
  if (argv.length === 1 && argv[0] === "--licenses") {
    process.stdout.write(licensesText());
    return {};
  }
  // Imported after the handlers above exist: native code (the tree reader, parsers, and for
  // diagnose the ast-grep addon) loads only when a command needs it, but should anything fail while
  // the commands load, the user gets one line instead of Bun's source dump.
  let commands: typeof import("./commands/index.ts");
  try {
    commands = await import("./commands/index.ts");
  } catch (err) {
    process.stderr.write(`weft: cannot start: ${Bun.stripANSI(errorMessage(err))}\n`);
    return { internal: true };
  }
  try {
    const inv = commands.parseArgv(argv);
    if (inv.kind === "version") {
      process.stdout.write(`${versionLine()}\n`);
      return {};
    }
    if (inv.kind === "licenses") {
      process.stdout.write(licensesText());
      return {};
    }
    if (inv.kind === "help") {
      process.stdout.write(await commands.usage(inv.command ?? "weft", process.stdout));
      return {};
    }
    if (inv.kind === "usage-error") {
      const usage = inv.usageOf ? `\n${await commands.usage(inv.usageOf, process.stderr)}` : "";
      process.stderr.write(`${inv.line}\n${usage}`);
      return { usage: true };
    }
    return await commands.runCommand(inv);
  } catch (err) {
    process.stderr.write(`weft: ${Bun.stripANSI(errorMessage(err))}\n`);
    return { ...(err instanceof WeftError && err.code === "usage" ? { usage: true } : { internal: true }) };
  }
}

process.exitCode = exitCode(await run(process.argv.slice(2)));
