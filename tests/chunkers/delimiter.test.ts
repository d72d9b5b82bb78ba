// Delimiter rules for brace languages keep multi-line headers whole (issue 24, point 2): exact
// units on small fixtures per header shape, through delimiterUnits and through chunkFile.
import { describe, expect, test } from "bun:test";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { delimiterUnits } from "../../src/chunkers/delimiter.ts";
import type { Unit } from "../../src/chunkers/unit.ts";
import type { DelimiterFamily } from "../../src/languages/spec.ts";
import { expectSound, fileOf, gov } from "./check.ts";

const C_LIKE = ["//", "/*", "*"];
const all = () => true;

/** Checks that the units tile [start, end) exactly, in order. */
function expectTiles(units: readonly Unit[], start: number, end: number): void {
  let p = start;
  for (const u of units) {
    expect([u.start, u.end > u.start]).toEqual([p, true]);
    p = u.end;
  }
  expect(p).toBe(end);
}

/** The 1-based line ranges of the units of `text` when everything fits (one unit per top-level block). */
function blocks(text: string, family: DelimiterFamily = "brace", comments = C_LIKE): [number, number][] {
  const units = delimiterUnits(text, family, comments, all);
  expectTiles(units, 0, text.length);
  const line = (p: number) => text.slice(0, p).split("\n").length;
  return units.map((u) => [line(u.start), line(u.end - 1)]);
}

describe("brace headers stay whole", () => {
  test("TypeScript: interface with `extends` line and an own-line `{` (effect Schema.ts:229)", () => {
    const ts = [
      "}",
      "",
      "interface AllAnnotations<A, TypeParameters extends ReadonlyArray<any>>",
      "  extends Annotations.Schema<A, TypeParameters>, PropertySignature.Annotations<A>",
      "{}",
      "",
      "const x = 1",
      "",
    ].join("\n");
    expect(blocks(ts)).toEqual([
      [1, 2],
      [3, 6],
      [7, 7],
    ]);
  });

  test("TypeScript: a type argument list over lines, closing `>` line and arrow body (FiberHandle.ts:133)", () => {
    const ts = [
      "/** Doc. */",
      "export const makeRuntime = <R, E = unknown, A = unknown>(): Effect.Effect<",
      "  <XE extends E, XA extends A>(",
      "    effect: Effect.Effect<XA, XE, R>",
      "  ) => Fiber.RuntimeFiber<XA, XE>,",
      "  never,",
      "  Scope.Scope | R",
      "> =>",
      "  Effect.flatMap(",
      "    make<A, E>(),",
      "    (self) => runtime(self)<R>()",
      "  )",
      "",
      "export type Kind<",
      "  Z extends WithGenerics<number>,",
      "  A = unknown",
      "> = (Z & {",
      "  readonly A: A",
      '})["taggedEnum"]',
      "",
      "export const next = 2",
    ].join("\n");
    expect(blocks(ts)).toEqual([
      [1, 13],
      [14, 20],
      [21, 21],
    ]);
    const units = delimiterUnits(ts, "brace", C_LIKE, all);
    // (A one-line unit is a "line", named by no symbol, as before.)
    expect(units.map((u) => [u.kind, u.symbol])).toEqual([
      ["block", "makeRuntime"],
      ["block", "Kind"],
      ["line", undefined],
    ]);
  });

  test("TypeScript: unions, a clause keyword ending a line, a call taking type arguments, method chains, curried generics, a conditional type after `}`", () => {
    const ts = [
      "type HasJSDoc =",
      "  | ArrowFunction",
      "  | Block",
      "",
      "export interface TupleType<E extends Elements> extends",
      "  AnnotableClass<",
      "    TupleType<E>,",
      "    E[number]",
      "  >",
      "{",
      "  readonly elements: Readonly<E>",
      "}",
      "",
      "export class CurrentScheduler extends Context.Reference<CurrentScheduler>()<",
      '  "effect/Micro/currentScheduler",',
      "  MicroScheduler",
      ">(",
      '  "effect/Micro/currentScheduler"',
      ") {}",
      "",
      "export const layer = make()",
      "  .pipe(Layer.provide(Live))",
      "  .pipe(Layer.orDie)",
      "const rest = [...a,",
      "  ...b]",
      "export const discriminator = <D extends string>(field: D) =>",
      "<",
      "  R,",
      "  P extends Types.Tags<D, R>",
      ">(",
      "  ...pattern: [first: P]",
      ") => {",
      "  return pattern",
      "}",
      "export type V<T> = T extends { kind: 'N' }",
      "  ? T",
      "  : never",
    ].join("\n");
    expect(blocks(ts)).toEqual([
      [1, 4],
      [5, 13],
      [14, 20],
      [21, 23],
      [24, 25],
      [26, 34],
      [35, 37],
    ]);
  });

  test("Java: `extends` / `implements` / `throws` lines, a generic method header over lines", () => {
    const java = [
      "public class Repository<T extends Entity>",
      "    extends AbstractRepository<T>",
      "    implements Closeable, Iterable<T> {",
      "",
      "  public <K extends Comparable<K>,",
      "      V extends List<K>> Map<K, V> index(Function<T, K> key)",
      "      throws IOException,",
      "          SQLException {",
      "    return null;",
      "  }",
      "",
      "  void close()",
      "      throws IOException {",
      "  }",
      "}",
      "",
    ].join("\n");
    expect(blocks(java)).toEqual([[1, 15]]);
    // Too big to take whole: the class opens; each method, its header included, is one unit.
    const units = delimiterUnits(java, "brace", C_LIKE, (s, e) => e - s < 200);
    const line = (p: number) => java.slice(0, p).split("\n").length;
    expect(units.map((u) => [line(u.start), line(u.end - 1), u.kind])).toEqual([
      [1, 1, "header"],
      [2, 4, "block"],
      [5, 11, "block"],
      [12, 15, "block"],
    ]);
    expect(units.every((u) => u.scope[0]?.startsWith("public class Repository<T extends Entity>"))).toBe(true);
  });

  test("C#: base list and `where` lines before an own-line `{` (Allman)", () => {
    const cs = [
      "namespace Shop",
      "{",
      "    public class Repo<T>",
      "        : IRepo<T>, IDisposable",
      "        where T : class, new()",
      "    {",
      "        public void Dispose() { }",
      "    }",
      "",
      "    public interface IRepo<T>",
      "        where T : class",
      "    {",
      "    }",
      "}",
    ].join("\n");
    const units = delimiterUnits(cs, "brace", C_LIKE, (s, e) => e - s < 150);
    const line = (p: number) => cs.slice(0, p).split("\n").length;
    expect(units.map((u) => [line(u.start), line(u.end - 1)])).toEqual([
      [1, 1],
      [2, 2],
      [3, 9],
      [10, 14],
    ]);
  });

  test("Rust: a `where` clause over lines belongs to its impl and fn", () => {
    const rust = [
      "impl<T, U> From<Pair<T, U>> for Vec<T>",
      "where",
      "    T: Clone + Debug,",
      "    U: Into<T>,",
      "{",
      "    fn from(p: Pair<T, U>) -> Self {",
      "        vec![p.0, p.1.into()]",
      "    }",
      "}",
      "",
      "fn apply<F>(f: F) -> u32",
      "where",
      "    F: Fn(u32) -> u32,",
      "{",
      "    f(1)",
      "}",
      "",
      "const LIMIT: u32 = 3;",
    ].join("\n");
    expect(blocks(rust)).toEqual([
      [1, 10],
      [11, 17],
      [18, 18],
    ]);
  });

  test("Kotlin and Swift: `where` lines, `: Base` lines and a `{` line after the header", () => {
    const kotlin = [
      "class Box<T>(",
      "    val value: T",
      ") : Comparable<Box<T>>,",
      "    Serializable",
      "    where T : Comparable<T> {",
      "    override fun compareTo(other: Box<T>) = value.compareTo(other.value)",
      "}",
      "",
      "fun <T> maxOf(",
      "    a: T,",
      "    b: T",
      "): T",
      "    where T : Comparable<T> {",
      "    return if (a > b) a else b",
      "}",
    ].join("\n");
    expect(blocks(kotlin)).toEqual([
      [1, 8],
      [9, 15],
    ]);
    const swift = [
      "func firstIndex<C: Collection>(of x: C.Element, in c: C) -> C.Index?",
      "    where C.Element: Equatable",
      "{",
      "    return c.firstIndex(of: x)",
      "}",
      "",
      "extension Array",
      "    : Summable",
      "    where Element: Numeric {",
      "}",
    ].join("\n");
    expect(blocks(swift)).toEqual([
      [1, 6],
      [7, 10],
    ]);
  });

  test("C++: template parameter lists over lines, base and initializer lists", () => {
    const cpp = [
      "template <typename Key,",
      "          typename Value = std::vector<Key>>",
      "class Cache",
      "    : public Base<Key>",
      "{",
      "public:",
      "    Cache();",
      "};",
      "",
      "template <typename Key, typename Value>",
      "Cache<Key, Value>::Cache()",
      "    : size_(0),",
      "      hits_(0)",
      "{",
      "}",
    ].join("\n");
    expect(blocks(cpp)).toEqual([
      [1, 9],
      [10, 15],
    ]);
  });

  test("Go: generic type parameters in brackets over lines", () => {
    const go = [
      "func Map[T any,",
      "\tU any](xs []T, f func(T) U) []U {",
      "\tout := make([]U, 0, len(xs))",
      "\treturn out",
      "}",
      "",
      "type Pair[K comparable,",
      "\tV any] struct {",
      "\tKey K",
      "}",
    ].join("\n");
    expect(blocks(go)).toEqual([
      [1, 6],
      [7, 10],
    ]);
  });

  test("Less and CSS: rules starting with `.`, `:`, `&` or `>` stay rules of their own", () => {
    const less = [
      ".a {",
      "  color: red;",
      "}",
      ":root {",
      "  --x: 1;",
      "}",
      ".b {",
      "  &:hover {",
      "    color: blue;",
      "  }",
      "  > li {",
      "    margin: 0;",
      "  }",
      "}",
    ].join("\n");
    expect(blocks(less)).toEqual([
      [1, 3],
      [4, 6],
      [7, 14],
    ]);
    const units = delimiterUnits(less, "brace", C_LIKE, (s, e) => e - s < 40);
    const line = (p: number) => less.slice(0, p).split("\n").length;
    expect(units.slice(2).map((u) => [line(u.start), line(u.end - 1)])).toEqual([
      [7, 7],
      [8, 10],
      [11, 14],
    ]);
  });

  test("comparisons and shifts are not type parameter lists", () => {
    const c = [
      "int f(int a, int b) {",
      "  return a<b;",
      "}",
      "int g(int n) {",
      "  for (int i=0;i<n;i++) n = n>>1;",
      "  return n;",
      "}",
      "bool h = x<y &&",
      "  y>z;",
      "int k = 1;",
    ].join("\n");
    expect(blocks(c)).toEqual([
      [1, 3],
      [4, 7],
      [8, 9],
      [10, 10],
    ]);
  });

  test("a regular expression literal with a bracket or `//` in it does not unbalance the braces", () => {
    // Unbalanced braces would fall back to indentation, which puts the unindented body on its own.
    const ts = [
      "const a = (s: string) => s.replace(/\\//g, '~1').replace(/[(]/g, '')",
      "function b() {",
      "return 1",
      "}",
    ].join("\n");
    expect(blocks(ts)).toEqual([
      [1, 1],
      [2, 4],
    ]);
  });
});

describe("a region of a file", () => {
  const text = [
    "function ok() {",
    "  return 1",
    "}",
    "",
    "interface Broken<A>",
    "  extends Base<A>",
    "{ x: A",
    "",
    "const y = 2",
    "",
  ].join("\n");

  test("units tile exactly [start, end), as the same text alone would, shifted", () => {
    const start = text.indexOf("interface");
    const end = text.indexOf("const y");
    const units = delimiterUnits(text, "brace", C_LIKE, all, start, end);
    expectTiles(units, start, end);
    const alone = delimiterUnits(text.slice(start, end), "brace", C_LIKE, all);
    expect(units.map((u) => [u.start - start, u.end - start, u.kind, u.symbol])).toEqual(
      alone.map((u) => [u.start, u.end, u.kind, u.symbol]),
    );
  });

  test("a region starting or ending mid-line", () => {
    const start = text.indexOf("return");
    const end = text.indexOf("A>\n  extends");
    const units = delimiterUnits(text, "brace", C_LIKE, (s, e) => e - s < 12, start, end);
    expectTiles(units, start, end);
    expect(delimiterUnits(text, "brace", C_LIKE, all, 5, 5)).toEqual([]);
  });

  test("the whole-file call shape still gives the whole file", () => {
    expect(delimiterUnits(text, "brace", C_LIKE, all)).toEqual(
      delimiterUnits(text, "brace", C_LIKE, all, 0, text.length),
    );
  });
});

describe("through chunkFile", () => {
  const enc = new TextEncoder();
  test("TypeScript forced to delimiter rules: each definition, header lines included, in one chunk", () => {
    const ts = [
      "export interface Proto<out N, out E>",
      "  extends Iterable<readonly [number, N]>,",
      "    Equal.Equal",
      "{",
      "  readonly nodes: Map<number, N>",
      "  readonly edges: Map<number, E>",
      "}",
      "",
      "export const readWith: <",
      "  InElem,",
      "  OutElem",
      ">(",
      "  options: { readonly onInput: (input: InElem) => OutElem }",
      ") => Channel<OutElem, InElem> = core.readWith",
      "",
      "export class Pool<A>",
      "  extends Base<A>",
      "  implements Closeable",
      "{",
      "  close(): void {}",
      "}",
      "",
    ].join("\n");
    const bytes = enc.encode(ts);
    const governor = gov(200, "bytes");
    const r = chunkFile(fileOf("graph.ts", "typescript", bytes.length), bytes, governor, "delimiter");
    if (r.status !== "chunked") throw new Error(JSON.stringify(r));
    expectSound(bytes, r.chunks, governor);
    expect(r.chunks.map((c) => [c.line_start, c.line_end])).toEqual([
      [1, 8],
      [9, 15],
      [16, 21],
    ]);
    expect(r.chunks.map((c) => c.symbols)).toEqual([["Proto"], ["readWith"], ["Pool"]]);
  });
});
