const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** "30d", "12h", "1.5s", "500ms" → milliseconds. Every duration variable is written this way. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  const unit = m?.[2] === undefined ? undefined : UNIT_MS[m[2]];
  if (!m?.[1] || unit === undefined)
    throw new Error(`"${text}" is not a duration (a number with ms, s, m, h or d: 500ms, 30s, 2m, 12h, 30d)`);
  return Math.round(Number(m[1]) * unit);
}

/** "0s,5s,30s,2m" → [0, 5000, 30000, 120000]; the error names the bad entry by its position. */
export function parseDurationList(text: string): number[] {
  if (text.trim() === "") throw new Error("is empty: give comma-separated durations such as 0s,5s,30s,2m");
  return text.split(",").map((entry, i) => {
    try {
      return parseDuration(entry);
    } catch (err) {
      throw new Error(`entry ${i + 1}: ${(err as Error).message}`);
    }
  });
}
