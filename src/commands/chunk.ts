import { defineCommand } from "citty";
import { discover } from "../discover/walk.ts";
import { readAndChunk } from "../execute/readFile.ts";
import { DEFAULT_GOVERNOR } from "../model/governor.ts";
import { EXIT } from "./exitCodes.ts";

export default defineCommand({
  meta: { name: "chunk", description: "Chunk files and directories; one JSON object per chunk on stdout" },
  args: { paths: { type: "positional", required: false, description: "Files or directories (default: .)" } },
  run({ args }) {
    const roots = args._.length > 0 ? args._.map(String) : ["."];
    const files = discover(roots);
    let failed = 0;
    for (const file of files) {
      const result = readAndChunk(file, DEFAULT_GOVERNOR);
      if (result.status === "chunked") for (const c of result.chunks) process.stdout.write(`${JSON.stringify(c)}\n`);
      else if (result.status === "skipped") process.stderr.write(`weft: skipped ${result.path}: ${result.detail}\n`);
      else { failed++; process.stderr.write(`weft: ${result.failure.path}: ${result.failure.message}\n`); }
    }
    process.exitCode = failed > 0 ? EXIT.someFailed : EXIT.ok;
  },
});
