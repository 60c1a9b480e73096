import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_STATUS } from '../src/domain/domain-error.ts';
import { FRAMEWORK_STATUSES } from '../src/http/render-error.ts';
import { SCIM_ERROR_PAIRS, SCIM_TYPES, scimErrors } from '../src/scim/scim-error.ts';

// The error catalog, the code that raises errors, and docs/errors.md must not drift apart.
const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const scimSection = doc.slice(doc.indexOf('## SCIM endpoints'), doc.indexOf('## Admin API'));
const adminSection = doc.slice(doc.indexOf('## Admin API'));

const key = (status: number, scimType?: string) => `${status} ${scimType ?? '—'}`;
const catalog = new Set(SCIM_ERROR_PAIRS.map((p) => key(p.status, p.scimType)));
const documented = new Set([...scimSection.matchAll(/^\| (\d{3}) \| (?:`(\w+)`|—) \|/gm)].map((m) => key(Number(m[1]), m[2])));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') && !file.endsWith('.test.ts') ? [file] : [];
  });
}

/** Every pair the code raises literally: `new ScimError(404, undefined, …)`, `new ScimError(400, 'noTarget', …)`. */
const raised = sourceFiles(path.resolve(import.meta.dirname, '../src')).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/new ScimError\((\d{3}),\s*(?:undefined|'(\w+)')/g)].map((m) => ({ file, pair: key(Number(m[1]), m[2]) })),
);

describe('docs/errors.md', () => {
  it.each(SCIM_TYPES)('documents scimType %s', (type) => {
    expect(doc).toContain(`\`${type}\``);
  });
  it('has exactly one row per status/scimType pair of the catalog, and no other', () => {
    expect([...documented].sort()).toEqual([...catalog].sort());
  });
  it('the catalog holds every pair the code raises', () => {
    expect(raised.length).toBeGreaterThan(10);
    for (const { file, pair } of raised) expect(catalog, `${pair} in ${file}`).toContain(pair);
    for (const [name, make] of Object.entries(scimErrors)) {
      const error = make('x');
      expect(catalog, `scimErrors.${name}`).toContain(key(error.status, error.scimType));
    }
    for (const status of FRAMEWORK_STATUSES) expect(catalog, `framework status ${status}`).toContain(key(status));
  });
  it.each(Object.entries(DOMAIN_ERROR_STATUS))('documents admin error %s with status %i', (code, status) => {
    expect(adminSection).toMatch(new RegExp(`\\| \`${code.replace('.', '\\.')}\` \\| ${status} \\|`));
  });
});
