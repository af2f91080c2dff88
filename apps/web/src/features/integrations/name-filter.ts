/**
 * Case-insensitive match of every space-separated word of the query, best first:
 * names that start with the query, then names whose last segment does, then the rest.
 */
export function filterByQuery(names: readonly string[], query: string): string[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...names];
  const whole = query.trim().toLowerCase();
  const rank = (name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith(whole)) return 0;
    if ((lower.split('/').pop() ?? '').startsWith(whole)) return 1;
    return 2;
  };
  return names
    .filter((name) => {
      const lower = name.toLowerCase();
      return words.every((word) => lower.includes(word));
    })
    .map((name, index) => ({ name, index, rank: rank(name) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.name);
}
