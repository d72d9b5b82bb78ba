import { readFileSync } from "node:fs";

/**
 * weft's LICENSE and the third-party notices of what the binary embeds. In a compiled binary,
 * build.ts replaces this module with the texts it generated (build/notices.ts); from source there
 * are no generated notices.
 */
export function licenseTexts(): { weft: string; thirdParty: string | undefined } {
  return { weft: readFileSync(new URL("../LICENSE", import.meta.url), "utf8"), thirdParty: undefined };
}
