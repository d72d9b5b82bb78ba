// bin/weft.js of the npm package: runs this machine's weft binary with the same arguments, stdin,
// stdout and stderr, passes the signals it gets on, and exits with the binary's code.
import { spawn } from "node:child_process";
import { binaryPath, BinaryNotFoundError } from "./platform.js";

let bin: string;
try {
  bin = binaryPath();
} catch (err) {
  if (!(err instanceof BinaryNotFoundError)) throw err;
  process.stderr.write(`weft: ${err.message}\n`);
  process.exit(3);
}
const child = spawn(bin, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  // weft itself stops cleanly on these; the launcher waits for it and exits with its code.
  process.on(signal, () => child.kill(signal));
}
child.on("error", (err) => {
  process.stderr.write(`weft: cannot run ${bin}: ${err.message}\n`);
  process.exit(3);
});
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so that whoever started the launcher sees what happened.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 3);
});
