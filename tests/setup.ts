import { setDefaultTimeout } from "bun:test";

// bunfig.toml has no test timeout key; worker and parser tests need more than the 5 s default.
setDefaultTimeout(60_000);
