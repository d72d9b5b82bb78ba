import type { CommandDef } from "citty";
import chunk from "./chunk.ts";
import diagnose from "./diagnose.ts";
import files from "./files.ts";
import languages from "./languages.ts";
import models from "./models.ts";

/** Every subcommand of `weft`, by name. */
export const subCommands: Record<string, CommandDef<any>> = {
  // any: citty's CommandDef is generic per command
  chunk,
  diagnose,
  files,
  languages,
  models,
};
