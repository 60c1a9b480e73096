import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../src/domain/events/domain-event.ts';

// The event catalog in the code and docs/events.md must not drift apart, in either direction.
const doc = readFileSync(new URL('../docs/events.md', import.meta.url), 'utf8');
const catalogSection = doc.slice(doc.indexOf('## Catalog'));
/** Every type in the catalog table: the first cell of each row. */
const documented = [...catalogSection.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| (directory|organization) \| (\w+) \|/gm)].map((m) => ({ type: m[1]!, scope: m[2]!, resource: m[3]! }));

describe('docs/events.md', () => {
  it.each(Object.entries(EVENT_CATALOG))('documents %s with its scope and resource type', (type, entry) => {
    expect(documented).toContainEqual({ type, scope: entry.scope, resource: entry.resourceType });
  });

  it('documents no type the code does not have', () => {
    expect(documented.length).toBeGreaterThan(0);
    for (const { type } of documented) expect(Object.keys(EVENT_CATALOG)).toContain(type);
  });

  it('names every type resource.verb_past', () => {
    for (const type of Object.keys(EVENT_CATALOG)) expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});
