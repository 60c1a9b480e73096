/** SQLite caps bound parameters per statement; Roster chunks IN lists well below every engine's cap. */
const CHUNK = 500;

/** `size`: rows per statement for multi-column inserts (each row binds several parameters). */
export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
