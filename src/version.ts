import pkg from "../package.json" with { type: "json" };
import { hostTarget } from "./languages/targets.ts";

/** weft's version, from package.json (inlined into the compiled binary). */
export const VERSION: string = pkg.version;

/** Where a compiled binary came from: build.ts defines it (`define`); it does not exist when running from source. */
declare const WEFT_BUILD: { commit: string; target: string } | undefined;

/**
 * The line `weft --version` prints: the bare version first (scripts compare the first word), then
 * the commit the binary was built from ("-dirty" when the work tree had changes) and its target.
 */
export function versionLine(): string {
  if (typeof WEFT_BUILD !== "undefined" && WEFT_BUILD)
    return `${VERSION} (commit ${WEFT_BUILD.commit}, ${WEFT_BUILD.target})`;
  return `${VERSION} (from source, ${hostTarget()?.id ?? `${process.platform}-${process.arch}`})`;
}
