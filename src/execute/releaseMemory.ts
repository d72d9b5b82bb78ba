/**
 * Gives memory freed by native code back to the operating system. The parser (a Rust addon) allocates
 * with the C library's malloc; on glibc a freed parse tree stays in the thread's malloc arena, so RSS
 * only ever grows to the largest trees seen (a 9 MB JavaScript file: about 220 MB kept after the tree
 * was freed). glibc's malloc_trim(0) returns every free page of every arena. Elsewhere (macOS, musl,
 * Windows) the symbol is not found and this does nothing.
 */
export const releaseNativeMemory: () => void = loadTrim();

function loadTrim(): () => void {
  if (process.platform !== "linux") return () => {};
  try {
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    const libc = dlopen("libc.so.6", { malloc_trim: { args: [FFIType.u64], returns: FFIType.i32 } });
    return () => void libc.symbols.malloc_trim(0);
  } catch {
    return () => {};
  }
}
