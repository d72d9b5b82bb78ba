#!/usr/bin/env bun
import { defineCommand, runCommand, showUsage } from "citty";
import { subCommands } from "./commands/index.ts";
import { EXIT } from "./commands/exitCodes.ts";
import { errorMessage } from "./model/errors.ts";
import { VERSION } from "./version.ts";

const main = defineCommand({
  meta: { name: "weft", version: VERSION, description: "Split source code into syntax-aware, lossless chunks for embedding and retrieval" },
  subCommands,
});

/** Runs weft with argv and returns the exit code; the only place exit codes are decided. */
async function run(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h") {
    await showUsage(main);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  try {
    await runCommand(main, { rawArgs: argv });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    process.stderr.write(`weft: ${errorMessage(err)}\n`);
    return EXIT.internal;
  }
}

process.exitCode = await run(process.argv.slice(2));
