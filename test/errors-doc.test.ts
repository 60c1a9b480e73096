import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_STATUS } from '../src/domain/domain-error.ts';
import { SCIM_TYPES } from '../src/scim/scim-error.ts';

// The error catalog and docs/errors.md must not drift apart.
const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  it.each(SCIM_TYPES)('documents scimType %s', (type) => {
    expect(doc).toContain(`\`${type}\``);
  });
  it.each(Object.entries(DOMAIN_ERROR_STATUS))('documents admin error %s with status %i', (code, status) => {
    expect(doc).toMatch(new RegExp(`\\| \`${code.replace('.', '\\.')}\` \\| ${status} \\|`));
  });
});
