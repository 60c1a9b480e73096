import { MAX_REGEX_INPUT_CHARS } from './check-rule-regex.ts';
import type { GroupMapping } from './rule-schemas.ts';

/** The org group names one IdP group (by its displayName) maps to; the caller must not change the list. */
export type GroupMapper = (idpGroupDisplayName: string) => readonly string[];

/** Names whose mapping an on-the-fly mapper keeps; past this many it starts over. */
const REMEMBERED_NAMES = 10_000;
/** Longer names are mapped every time: what the mapper keeps stays small whatever an IdP sends. */
const REMEMBERED_NAME_CHARS = 256;

/**
 * Compiles a group mapping (validated by groupMappingSchema) once per rule set. IdP group names are
 * compared ignoring case, as SCIM compares a Group's displayName (RFC 7643 §4.2: not caseExact):
 * include, exclude and rename patterns run with the `i` flag, manual rows match case-insensitively,
 * and the result is deduplicated ignoring case, keeping the first spelling.
 */
export function compileGroupMapping(mapping: GroupMapping): GroupMapper {
  switch (mapping.mode) {
    case 'off':
      return () => [];
    case 'on_the_fly': {
      const include = mapping.include.map((p) => new RegExp(p, 'i'));
      const exclude = mapping.exclude.map((p) => new RegExp(p, 'i'));
      const rename = mapping.rename ? { regex: new RegExp(mapping.rename.pattern, 'i'), with: mapping.rename.with } : undefined;
      const map = (name: string): readonly string[] => {
        // Admins write the patterns, the IdP writes the names: capping the name bounds each match's cost.
        const subject = name.slice(0, MAX_REGEX_INPUT_CHARS);
        if (include.length > 0 && !include.some((r) => r.test(subject))) return [];
        if (exclude.some((r) => r.test(subject))) return [];
        const target = rename ? subject.replace(rename.regex, rename.with) : name;
        return target.trim() === '' ? [] : [target];
      };
      // A 100-member delta maps the same few group names once per member: the patterns run once per name.
      const known = new Map<string, readonly string[]>();
      return (name) => {
        if (name.length > REMEMBERED_NAME_CHARS) return Object.freeze(map(name));
        let names = known.get(name);
        if (names === undefined) {
          if (known.size >= REMEMBERED_NAMES) known.clear();
          known.set(name, (names = Object.freeze(map(name))));
        }
        return names;
      };
    }
    case 'manual': {
      const table = new Map<string, readonly string[]>();
      for (const row of mapping.map) table.set(row.idpGroup.toLowerCase(), Object.freeze(dedupeIgnoringCase(row.orgGroups)));
      const importUnmapped = mapping.unmapped === 'import';
      return (name) => {
        const mapped = table.get(name.toLowerCase());
        if (mapped) return mapped;
        return importUnmapped && name.trim() !== '' ? [name] : [];
      };
    }
  }
}

/** Keeps the first spelling of names that differ only in case. */
export function dedupeIgnoringCase(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}
