// FOUNDATION VERSION: compiles dist/weft for this machine (issue 2 adds targets and embedding checks).
export {};
const result = await Bun.build({
  entrypoints: ["./src/cli.ts", "./src/execute/worker.ts"],
  compile: { outfile: "./dist/weft", autoloadDotenv: false, autoloadBunfig: false },
  minify: true,
  sourcemap: "linked",
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log("built dist/weft");
