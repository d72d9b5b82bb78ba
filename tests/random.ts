/**
 * The tests' one seeded pseudo-random generator (mulberry32): a seed gives the same numbers on every
 * machine and run, so a test on generated data can print its seed and be rerun on exactly that data.
 * Not for anything but test data (32 bits of state).
 * @param seed any integer (taken modulo 2^32)
 * @returns a function giving the next number in [0, 1) at each call
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
