// Per-call cost of bun:ffi against a Node-API addon, the choice behind src/tree/parseTree.ts: the
// same C functions (a no-argument call, and the parse call's shape: two typed arrays and two
// integers) built into one library with the system C compiler, called 2 M times each way, medians
// of 5; then both loaded and called inside a Bun Worker.
//   bun tests/bench/ffiVsNapi.ts
import { dlopen } from "bun:ffi";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const C = `#include <stdint.h>
#include <stddef.h>
typedef struct napi_env__ *napi_env; typedef struct napi_value__ *napi_value; typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status; typedef napi_value (*napi_callback)(napi_env, napi_callback_info);
extern napi_status napi_create_function(napi_env, const char *, size_t, napi_callback, void *, napi_value *);
extern napi_status napi_set_named_property(napi_env, napi_value, const char *, napi_value);
extern napi_status napi_create_uint32(napi_env, uint32_t, napi_value *);
extern napi_status napi_create_int32(napi_env, int32_t, napi_value *);
extern napi_status napi_get_cb_info(napi_env, napi_callback_info, size_t *, napi_value *, napi_value *, void **);
extern napi_status napi_get_typedarray_info(napi_env, napi_value, int *, size_t *, void **, napi_value *, size_t *);
extern napi_status napi_get_value_uint32(napi_env, napi_value, uint32_t *);
uint32_t bench_noop(void) { return 15; }
int32_t bench_arrays(const uint16_t *src, uint32_t units, uint32_t *out, uint32_t cap) { out[0] = units ? src[0] : 0; return (int32_t)cap; }
static napi_value n_noop(napi_env env, napi_callback_info info) { napi_value r; napi_create_uint32(env, bench_noop(), &r); return r; }
static napi_value n_arrays(napi_env env, napi_callback_info info) {
  size_t argc = 4; napi_value argv[4]; napi_get_cb_info(env, info, &argc, argv, 0, 0);
  int t; size_t len; void *d1, *d2; napi_value ab; size_t off; uint32_t units, cap;
  napi_get_typedarray_info(env, argv[0], &t, &len, &d1, &ab, &off); napi_get_value_uint32(env, argv[1], &units);
  napi_get_typedarray_info(env, argv[2], &t, &len, &d2, &ab, &off); napi_get_value_uint32(env, argv[3], &cap);
  napi_value r; napi_create_int32(env, bench_arrays(d1, units, d2, cap), &r); return r;
}
napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "noop", 4, n_noop, 0, &f); napi_set_named_property(env, exports, "noop", f);
  napi_create_function(env, "arrays", 6, n_arrays, 0, &f); napi_set_named_property(env, exports, "arrays", f);
  return exports;
}
`;

const cc = Bun.which("cc") ?? Bun.which("gcc");
if (!cc || process.platform !== "linux") {
  console.error("needs a C compiler (cc) on Linux");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "weft-ffi-"));
try {
  writeFileSync(join(dir, "b.c"), C);
  const lib = join(dir, "b.node");
  const built = Bun.spawnSync([
    cc,
    "-O2",
    "-shared",
    "-fPIC",
    "-o",
    lib,
    join(dir, "b.c"),
    "-Wl,--unresolved-symbols=ignore-all",
  ]);
  if (built.exitCode !== 0) throw new Error(built.stderr.toString());
  const ffi = dlopen(lib, {
    bench_noop: { args: [], returns: "u32" },
    bench_arrays: { args: ["ptr", "u32", "ptr", "u32"], returns: "i32" },
  }).symbols;
  const mod = {
    exports: {} as { noop: () => number; arrays: (a: Uint16Array, n: number, o: Uint32Array, c: number) => number },
  };
  process.dlopen(mod, lib);
  const napi = mod.exports;
  const src = new Uint16Array(1000).fill(65);
  const out = new Uint32Array(4 * 65536);
  const N = 2_000_000;
  let sink = 0;
  const time = (name: string, f: () => void) => {
    const ns: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      const t = Bun.nanoseconds();
      f();
      ns.push((Bun.nanoseconds() - t) / N);
    }
    ns.sort((a, b) => a - b);
    console.log(`${name.padEnd(36)} ${ns[2]!.toFixed(1)} ns/call (median of 5 x ${N})`);
  };
  time("bun:ffi, no arguments", () => {
    for (let i = 0; i < N; i++) sink += ffi.bench_noop();
  });
  time("napi, no arguments", () => {
    for (let i = 0; i < N; i++) sink += napi.noop();
  });
  time("bun:ffi, 2 typed arrays + 2 u32", () => {
    for (let i = 0; i < N; i++) sink += ffi.bench_arrays(src, 1000, out, 65536);
  });
  time("napi, 2 typed arrays + 2 u32", () => {
    for (let i = 0; i < N; i++) sink += napi.arrays(src, 1000, out, 65536);
  });
  const workerCode = `import { dlopen } from "bun:ffi";
const ffi = dlopen(${JSON.stringify(lib)}, { bench_noop: { args: [], returns: "u32" } }).symbols;
const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(lib)});
postMessage(\`bun:ffi \${ffi.bench_noop()}, napi \${m.exports.noop()}\`);`;
  writeFileSync(join(dir, "worker.ts"), workerCode);
  const answer = await new Promise<string>((resolve, reject) => {
    const w = new Worker(join(dir, "worker.ts"));
    w.addEventListener("message", (e) => (resolve(String(e.data)), w.terminate()));
    w.addEventListener("error", (e) => reject(new Error(e.message)));
  });
  console.log(`in a Bun Worker: ${answer} (both load and answer)`);
  if (sink === 0) console.log("");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
