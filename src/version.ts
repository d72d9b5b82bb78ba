import pkg from "../package.json" with { type: "json" };
import { hostTarget } from "./languages/targets.ts";

/** weft's version, from package.json (inlined into the compiled binary). */
export const VERSION: string = pkg.version;

/** Where a compiled binary came from: build.ts defines it (`define`); it does not exist when running from source. */
declare const WEFT_BUILD: BuildStamp | undefined;

/** A compiled binary's stamp: the commit it was built from, its target, and an id unique to the build. */
export type BuildStamp = { commit: string; target: string; build?: string };

/** This binary's stamp, or undefined when running from source. */
export const BUILD: BuildStamp | undefined = typeof WEFT_BUILD !== "undefined" && WEFT_BUILD ? WEFT_BUILD : undefined;

/**
 * The line `weft --version` prints: the bare version first (scripts compare the first word), then
 * the commit the binary was built from ("-dirty" when the work tree had changes) and its target.
 */
export function versionLine(): string {
  if (BUILD) return `${VERSION} (commit ${BUILD.commit}, ${BUILD.target})`;
  return `${VERSION} (from source, ${hostTarget()?.id ?? `${process.platform}-${process.arch}`})`;
}
