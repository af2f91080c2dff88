/** Kubernetes resource quantities, enough to compare CPU and memory amounts. */
const SUFFIXES: Record<string, number> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** The amount a quantity such as `500m`, `2`, `1.5Gi` stands for; undefined if it is not one. */
export function parseQuantity(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m|k|K|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (SUFFIXES[match[2] ?? ''] as number);
}

/** The smaller of two quantities, as given (an unparsable one loses). */
export function minQuantity(a: string, b: string | null | undefined): string {
  if (!b) return a;
  const [x, y] = [parseQuantity(a), parseQuantity(b)];
  if (y === undefined) return a;
  if (x === undefined) return b;
  return y < x ? b : a;
}
