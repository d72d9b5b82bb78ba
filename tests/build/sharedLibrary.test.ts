import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { inspectSharedLibrary } from "../../build/sharedLibrary.ts";

const python = join(dirname(createRequire(import.meta.url).resolve("@ast-grep/lang-python/package.json")), "prebuilds");
const read = (folder: string) => readFileSync(join(python, folder, "parser.so"));

describe("inspectSharedLibrary reads the package's real prebuilt parsers", () => {
  test("ELF x64 and arm64: CPU, exported symbols, needed libraries", () => {
    const x64 = inspectSharedLibrary(read("prebuild-Linux-X64"));
    expect({ format: x64.format, arch: x64.arch }).toEqual({ format: "elf", arch: "x64" });
    expect(x64.exports).toContain("tree_sitter_python");
    expect(x64.exports).not.toContain("calloc"); // imported, not defined
    expect(x64.needs).toEqual(["libc.so.6"]);
    expect(inspectSharedLibrary(read("prebuild-Linux-ARM64")).arch).toBe("arm64");
  });

  test("Mach-O x64 and arm64: CPU, exported symbols with their underscore, libSystem, minimum macOS", () => {
    const arm = inspectSharedLibrary(read("prebuild-macOS-ARM64"));
    expect({ format: arm.format, arch: arm.arch, needs: arm.needs }).toEqual({
      format: "macho",
      arch: "arm64",
      needs: ["/usr/lib/libSystem.B.dylib"],
    });
    expect(arm.exports).toContain("_tree_sitter_python");
    expect(arm.minMacos).toMatch(/^\d+\.\d+\.\d+$/);
    expect(inspectSharedLibrary(read("prebuild-macOS-X64")).arch).toBe("x64");
  });

  test("PE: the CPU only", () => {
    expect(inspectSharedLibrary(read("prebuild-Windows-X64"))).toEqual({
      format: "pe",
      arch: "x64",
      exports: [],
      needs: [],
    });
  });

  test("anything else is refused, and an ELF executable is not a shared library", () => {
    expect(() => inspectSharedLibrary(new TextEncoder().encode("#!/bin/sh\necho not a library\n".repeat(4)))).toThrow(
      "not a 64-bit ELF, Mach-O or PE file",
    );
    const exe = new Uint8Array(read("prebuild-Linux-X64"));
    exe[16] = 2; // e_type ET_EXEC
    expect(() => inspectSharedLibrary(exe)).toThrow("not a shared object");
  });
});
