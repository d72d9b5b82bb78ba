import { dlopen } from "bun:ffi";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parserProblems } from "../../build/crossParsers.ts";
import { BuildError } from "../../build/error.ts";
import { buildLocalReader, buildReader, READER_EXPORTS, readReaderPins } from "../../build/reader.ts";
import { inspectSharedLibrary } from "../../build/sharedLibrary.ts";
import { sha256 } from "../../src/languages/cache.ts";
import { hostTarget, TARGETS, targetById } from "../../src/languages/targets.ts";

// Compiles the tree reader with the pinned cross compiler (installed into packaging/cross on first
// use, with the tree-sitter runtime's sources), as `bun run build --target linux-arm64` does.
const dir = mkdtempSync(join(tmpdir(), "weft-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const arm64 = targetById("linux-arm64")!;

test("every release target has a pinned reader, built from the pinned runtime", () => {
  const pins = readReaderPins();
  expect(pins.runtime).toBe("tree-sitter 0.25.1");
  for (const t of TARGETS) expect(pins.sha256[t.id]).toMatch(/^[0-9a-f]{64}$/);
});

describe.skipIf(process.platform !== "linux" || process.arch !== "x64")("the tree reader built from source", () => {
  test("comes out byte for byte as pinned, an arm64 ELF exporting the reader's functions and needing only libc (and libpthread, for sigaction)", async () => {
    const pin = readReaderPins().sha256["linux-arm64"]!;
    const out = join(dir, "libweft_reader.so");
    const built = await buildReader(arm64, false, readReaderPins(), out);
    expect(built).toEqual({ path: out, sha256: pin });
    const bytes = readFileSync(out);
    expect(sha256(bytes)).toBe(pin);
    const info = inspectSharedLibrary(bytes);
    expect({ format: info.format, arch: info.arch, needs: info.needs }).toEqual({
      format: "elf",
      arch: "arm64",
      needs: ["libpthread.so.0", "libc.so.6"],
    });
    for (const name of READER_EXPORTS) expect(info.exports).toContain(name);
    // The runtime's own functions stay inside the library (nothing else in the process can interpose).
    expect(info.exports.filter((e) => e.startsWith("ts_"))).toEqual([]);
    expect(parserProblems(targetById("darwin-x64")!, "wr_parse", bytes, true)).toContain(
      "is a elf arm64 library, not macho x64",
    );
  }, 180_000);

  test("the windows-x64 DLL as pinned: x64 PE, link time zeroed (the linker writes the clock there)", async () => {
    const pin = readReaderPins().sha256["windows-x64"]!;
    const out = join(dir, "weft_reader.dll");
    expect((await buildReader(targetById("windows-x64")!, false, readReaderPins(), out)).sha256).toBe(pin);
    const bytes = readFileSync(out);
    expect(inspectSharedLibrary(bytes)).toMatchObject({ format: "pe", arch: "x64" });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(view.getUint32(0x3c, true) + 8, true)).toBe(0);
  }, 180_000);

  test("a build whose bytes differ from the pin is refused, naming both hashes and how to record", async () => {
    const pins = readReaderPins();
    const wrong = "0".repeat(64);
    let error: unknown;
    await buildReader(
      arm64,
      false,
      { ...pins, sha256: { ...pins.sha256, "linux-arm64": wrong } },
      join(dir, "x.so"),
    ).catch((err: unknown) => (error = err));
    expect(error).toBeInstanceOf(BuildError);
    expect((error as Error).message).toContain(
      `built file has sha256 ${pins.sha256["linux-arm64"]}, but packaging/cross/reader.json pins ${wrong}`,
    );
    expect((error as Error).message).toContain("WEFT_UPDATE_READER_HASHES=1 bun build/reader.ts --target linux-arm64");
  }, 180_000);
});

describe.skipIf(!(Bun.which("cc") ?? Bun.which("clang") ?? Bun.which("gcc")) || !hostTarget())(
  "a reader built with this machine's own C compiler (running from source off linux-x64)",
  () => {
    test("loads and answers like the pinned one; its sha256 is written beside it", async () => {
      const out = join(dir, "local", hostTarget()!.readerLib);
      expect(await buildLocalReader(hostTarget()!, out)).toBe(out);
      expect(readFileSync(`${out}.sha256`, "utf8").trim()).toBe(sha256(readFileSync(out)));
      const lib = dlopen(out, {
        wr_version: { args: [], returns: "u32" },
        wr_runtime_name: { args: [], returns: "cstring" },
        wr_runtime_abi: { args: [], returns: "u32" },
      });
      expect(lib.symbols.wr_version()).toBe(2);
      expect(String(lib.symbols.wr_runtime_name())).toBe("tree-sitter 0.25.1");
      expect(lib.symbols.wr_runtime_abi()).toBe(15 | (13 << 8));
      lib.close();
    }, 180_000);
  },
);
