/** A platform weft ships a binary for. */
export type Target = {
  /** weft's name for it: `bun run build --target <id>`. */
  id: TargetId;
  /** `bun build --compile --target` value. */
  bun: "bun-linux-x64" | "bun-linux-arm64" | "bun-darwin-arm64" | "bun-darwin-x64" | "bun-windows-x64";
  /** process.platform / process.arch of a machine running it. */
  platform: NodeJS.Platform;
  arch: string;
  /** Folder of an @ast-grep/lang-* package holding this target's parser.so. */
  prebuild: string;
  /** The @ast-grep/napi platform package holding this target's addon. */
  napiPackage: string;
  /** File name of weft's tree reader library (src/tree/reader.c) on this platform. */
  readerLib: "libweft_reader.so" | "libweft_reader.dylib" | "weft_reader.dll";
};

export const TARGET_IDS = ["linux-x64", "linux-arm64", "darwin-arm64", "darwin-x64", "windows-x64"] as const;
export type TargetId = (typeof TARGET_IDS)[number];

/** The release set, in build order. */
export const TARGETS: readonly Target[] = [
  {
    id: "linux-x64",
    bun: "bun-linux-x64",
    platform: "linux",
    arch: "x64",
    prebuild: "prebuild-Linux-X64",
    napiPackage: "@ast-grep/napi-linux-x64-gnu",
    readerLib: "libweft_reader.so",
  },
  {
    id: "linux-arm64",
    bun: "bun-linux-arm64",
    platform: "linux",
    arch: "arm64",
    prebuild: "prebuild-Linux-ARM64",
    napiPackage: "@ast-grep/napi-linux-arm64-gnu",
    readerLib: "libweft_reader.so",
  },
  {
    id: "darwin-arm64",
    bun: "bun-darwin-arm64",
    platform: "darwin",
    arch: "arm64",
    prebuild: "prebuild-macOS-ARM64",
    napiPackage: "@ast-grep/napi-darwin-arm64",
    readerLib: "libweft_reader.dylib",
  },
  {
    id: "darwin-x64",
    bun: "bun-darwin-x64",
    platform: "darwin",
    arch: "x64",
    prebuild: "prebuild-macOS-X64",
    napiPackage: "@ast-grep/napi-darwin-x64",
    readerLib: "libweft_reader.dylib",
  },
  {
    id: "windows-x64",
    bun: "bun-windows-x64",
    platform: "win32",
    arch: "x64",
    prebuild: "prebuild-Windows-X64",
    napiPackage: "@ast-grep/napi-win32-x64-msvc",
    readerLib: "weft_reader.dll",
  },
];

/** The target matching this process's platform and architecture, if weft ships one for it. */
export function hostTarget(platform: string = process.platform, arch: string = process.arch): Target | undefined {
  return TARGETS.find((t) => t.platform === platform && t.arch === arch);
}

/** The target with this id, or undefined. */
export function targetById(id: string): Target | undefined {
  return TARGETS.find((t) => t.id === id);
}
