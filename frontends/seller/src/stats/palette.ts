// Chart colours with at least 3:1 contrast on white; a series' colour by its index.
const COLOURS = ["#6b3fa0", "#1f6f43", "#b35c00", "#2b5fa8", "#a3122a"];

export function colour(index: number): string {
  return COLOURS[index % COLOURS.length]!;
}
