// Reads what a shared library is without loading it: its format, CPU, exported symbols and the
// libraries it needs. A parser built for a platform this machine cannot run (darwin-x64) can only
// be checked this way; for the others it catches a wrong-platform file before it is embedded.

/** What a shared library declares about itself. */
export type LibraryInfo = {
  format: "elf" | "macho" | "pe";
  /** weft's arch names: "x64", "arm64", or the raw machine number when it is neither. */
  arch: string;
  /** Globally defined symbols, as the loader names them (Mach-O keeps its leading underscore); not read for PE. */
  exports: string[];
  /** Libraries it links against (ELF DT_NEEDED, Mach-O LC_LOAD_DYLIB); not read for PE. */
  needs: string[];
  /** Mach-O only: the oldest macOS it declares it runs on. */
  minMacos?: string;
};

/** Parses an ELF64 or Mach-O 64 little-endian shared library (a PE DLL: its CPU only); throws on anything else. */
export function inspectSharedLibrary(bytes: Uint8Array): LibraryInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 64 && view.getUint32(0, false) === 0x7f454c46) return inspectElf(bytes, view);
  if (bytes.length >= 32 && view.getUint32(0, true) === 0xfeedfacf) return inspectMacho(bytes, view);
  if (bytes.length >= 64 && view.getUint16(0, false) === 0x4d5a) {
    const pe = view.getUint32(0x3c, true);
    if (pe + 6 <= bytes.length && view.getUint32(pe, false) === 0x50450000) {
      const machine = view.getUint16(pe + 4, true);
      return {
        format: "pe",
        arch: machine === 0x8664 ? "x64" : machine === 0xaa64 ? "arm64" : String(machine),
        exports: [],
        needs: [],
      };
    }
  }
  throw new Error("not a 64-bit ELF, Mach-O or PE file");
}

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(at, end));
}

function inspectElf(bytes: Uint8Array, view: DataView): LibraryInfo {
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error("not a 64-bit little-endian ELF file");
  if (view.getUint16(16, true) !== 3) throw new Error("ELF file is not a shared object (ET_DYN)");
  const machine = view.getUint16(18, true);
  const shoff = Number(view.getBigUint64(40, true));
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      type: view.getUint32(at + 4, true),
      offset: Number(view.getBigUint64(at + 24, true)),
      size: Number(view.getBigUint64(at + 32, true)),
      link: view.getUint32(at + 40, true),
    };
  };
  const exports: string[] = [];
  const needs: string[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const strings = section(s.link).offset;
    if (s.type === 11) {
      // SHT_DYNSYM: Elf64_Sym is 24 bytes
      for (let at = s.offset + 24; at < s.offset + s.size; at += 24) {
        const bind = bytes[at + 4]! >> 4;
        const defined = view.getUint16(at + 6, true) !== 0;
        if (defined && (bind === 1 || bind === 2)) exports.push(cString(bytes, strings + view.getUint32(at, true)));
      }
    } else if (s.type === 6) {
      // SHT_DYNAMIC: Elf64_Dyn is 16 bytes; DT_NEEDED is 1
      for (let at = s.offset; at < s.offset + s.size; at += 16) {
        if (view.getBigInt64(at, true) === 1n)
          needs.push(cString(bytes, strings + Number(view.getBigUint64(at + 8, true))));
      }
    }
  }
  return {
    format: "elf",
    arch: machine === 0x3e ? "x64" : machine === 0xb7 ? "arm64" : String(machine),
    exports,
    needs,
  };
}

function inspectMacho(bytes: Uint8Array, view: DataView): LibraryInfo {
  const cpu = view.getUint32(4, true);
  if (view.getUint32(12, true) !== 6) throw new Error("Mach-O file is not a dynamic library (MH_DYLIB)");
  const ncmds = view.getUint32(16, true);
  const exports: string[] = [];
  const needs: string[] = [];
  let minMacos: string | undefined;
  const version = (v: number) => `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
  for (let i = 0, at = 32; i < ncmds; i++) {
    const cmd = view.getUint32(at, true);
    if (cmd === 0x2) {
      // LC_SYMTAB: nlist_64 entries of 16 bytes
      const [symoff, nsyms, stroff] = [
        view.getUint32(at + 8, true),
        view.getUint32(at + 12, true),
        view.getUint32(at + 16, true),
      ];
      for (let s = 0; s < nsyms; s++) {
        const e = symoff + s * 16;
        const type = bytes[e + 4]!;
        // N_EXT and N_SECT (defined in a section), not a debugging (N_STAB) entry.
        if ((type & 0xe0) === 0 && (type & 0x01) === 1 && (type & 0x0e) === 0x0e)
          exports.push(cString(bytes, stroff + view.getUint32(e, true)));
      }
    } else if (cmd === 0xc || cmd === 0x18 || cmd === 0x1f) {
      // LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB
      needs.push(cString(bytes, at + view.getUint32(at + 8, true)));
    } else if (cmd === 0x32) {
      // LC_BUILD_VERSION: platform 1 is macOS
      if (view.getUint32(at + 8, true) === 1) minMacos = version(view.getUint32(at + 12, true));
    } else if (cmd === 0x24) {
      // LC_VERSION_MIN_MACOSX
      minMacos = version(view.getUint32(at + 8, true));
    }
    at += view.getUint32(at + 4, true);
  }
  const arch = cpu === 0x01000007 ? "x64" : cpu === 0x0100000c ? "arm64" : String(cpu);
  return { format: "macho", arch, exports, needs, ...(minMacos ? { minMacos } : {}) };
}
