import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IDP_PROFILES, QUIRKS } from '../src/idp/profiles.ts';

// Every quirk Roster rewrites is documented for admins, by its header name and its function.
const doc = readFileSync(new URL('../docs/idp-quirks.md', import.meta.url), 'utf8');
const quirks = Object.values(QUIRKS);

describe('docs/idp-quirks.md', () => {
  it.each(quirks.map((q) => [q.name, q.normalize.name]))('documents %s and its normalizer %s', (name, fn) => {
    expect(doc).toContain(`\`${name}\``);
    expect(doc).toContain(`\`${fn}\``);
    expect(doc).toMatch(new RegExp(`\\| \`${name}\` \\|[^\\n]*\\| \`${fn}\` \\|`));
  });

  it('every quirk in a profile is a documented one', () => {
    const known = new Set<unknown>(quirks);
    for (const profile of Object.values(IDP_PROFILES)) for (const q of profile.quirks) expect(known.has(q), `${profile.name}: ${q.name}`).toBe(true);
  });

  it.each(Object.keys(IDP_PROFILES))('documents the profile %s', (name) => {
    expect(doc).toContain(`\`${name}\``);
  });
});
