/** How the report says times and counts, in the terminal, report.md and report.html alike. */

/** 1234 → "1.2 s"; null → the placeholder. */
export function seconds(ms: number | null, placeholder = '–'): string {
  return ms === null ? placeholder : `${(ms / 1000).toFixed(1)} s`;
}

/** 12.34 → "12 ms"; null → "–". */
export function milliseconds(ms: number | null): string {
  return ms === null ? '–' : `${Math.round(ms)} ms`;
}

/** { a: 1, b: 2 } → "a: 1, b: 2" (each key after `prefix`); empty → "none". */
export function counts(record: Record<string, number>, prefix = ''): string {
  const list = Object.entries(record);
  return list.length === 0 ? 'none' : list.map(([key, n]) => `${prefix}${key}: ${n}`).join(', ');
}
