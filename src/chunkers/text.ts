import type { Unit } from "./unit.ts";

/** Units for plain text: one per line (the packer merges them and cuts lines too long). */
export function textUnits(text: string): Unit[] {
  const units: Unit[] = [];
  for (let s = 0; s < text.length;) {
    const nl = text.indexOf("\n", s);
    const end = nl === -1 ? text.length : nl + 1;
    units.push({ start: s, end, kind: "", scope: [], partial: false });
    s = end;
  }
  return units;
}
