import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SkipReasonSchema } from "../../src/model/file.ts";

test("docs/discovery.md's table of skip reasons names every reason weft reports, and no other", () => {
  const readme = readFileSync(resolve(import.meta.dir, "../../docs/discovery.md"), "utf8");
  const table = readme.slice(readme.indexOf("| Reason | When |"));
  const rows = table.slice(0, table.indexOf("\n\n")).split("\n").slice(2);
  const documented = rows.flatMap((row) =>
    [...(row.split("|")[1] ?? "").matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!),
  );
  expect(documented.sort()).toEqual([...SkipReasonSchema.options].sort());
});
