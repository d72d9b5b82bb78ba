import { defineCommand } from "citty";
import { discoveryArgs, discoveryOptionsFromArgs } from "../discover/args.ts";
import { discover } from "../discover/discover.ts";
import { writeSkipRecords } from "../discover/skipLog.ts";
import { governorArgs, governorFromArgs } from "../chunkers/governorArgs.ts";
import { readAndChunk } from "../execute/readFile.ts";
import { EXIT } from "./exitCodes.ts";

export default defineCommand({
  meta: { name: "chunk", description: "Chunk files and directories; one JSON object per chunk on stdout" },
  args: {
    ...discoveryArgs,
    ...governorArgs,
    skipped: { type: "string", valueHint: "file", description: "Write skipped files and reasons to this file as JSON Lines" },
  },
  async run({ args, rawArgs }) {
    const governor = governorFromArgs(args);
    const { files, skipped } = discover(await discoveryOptionsFromArgs(args, rawArgs));
    for (const s of skipped) process.stderr.write(`weft: skipped ${s.path}: ${s.detail}\n`);
    if (args.skipped) writeSkipRecords(args.skipped, skipped);
    let failed = 0;
    for (const file of files) {
      const result = readAndChunk(file, governor);
      if (result.status === "chunked") for (const c of result.chunks) process.stdout.write(`${JSON.stringify(c)}\n`);
      else if (result.status === "skipped") process.stderr.write(`weft: skipped ${result.path}: ${result.detail}\n`);
      else { failed++; process.stderr.write(`weft: ${result.failure.path}: ${result.failure.message}\n`); }
    }
    process.exitCode = failed > 0 ? EXIT.someFailed : EXIT.ok;
  },
});
