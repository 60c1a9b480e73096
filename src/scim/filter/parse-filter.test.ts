import { describe, expect, it } from 'vitest';
import cases from './parse-filter.cases.json' with { type: 'json' };
import type { AttrPath, FilterNode, PatchPath } from './filter-ast.ts';
import { lexFilter } from './lex-filter.ts';
import { parseAttrPath, parsePatchPath, parseScimFilter, type FilterLimits } from './parse-filter.ts';
import { errorOf } from '../../../test/helpers/error-of.ts';

/** The fixture's S-expression form of an AST: short enough to read a whole table of cases at once. */
export function formatPath(path: AttrPath): string {
  return `${path.schema !== undefined ? `${path.schema}:` : ''}${path.attr}${path.subAttr !== undefined ? `.${path.subAttr}` : ''}`;
}

export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'compare':
      return `(${node.op} ${formatPath(node.path)} ${JSON.stringify(node.value)})`;
    case 'present':
      return `(pr ${formatPath(node.path)})`;
    case 'logical':
      return `(${node.op} ${formatFilter(node.left)} ${formatFilter(node.right)})`;
    case 'not':
      return `(not ${formatFilter(node.filter)})`;
    case 'valuePath':
      return `(${formatPath(node.path)}[] ${formatFilter(node.filter)})`;
  }
}

function formatPatchPath(path: PatchPath): string {
  const filter = path.valueFilter ? `[${formatFilter(path.valueFilter)}]` : '';
  return `${formatPath(path.attr)}${filter}${path.subAttr !== undefined ? `.${path.subAttr}` : ''}`;
}


describe('parseScimFilter: fixture table', () => {
  it.each(cases.filters.map((c) => [c.filter, c]))('%s', (_, c) => {
    expect(formatFilter(parseScimFilter(c.filter))).toBe(c.ast);
  });
});

describe('parseScimFilter: syntax errors', () => {
  it.each(cases.filterErrors.map((c) => [c.filter, c]))('%j', (_, c) => {
    const error = errorOf(() => parseScimFilter(c.filter, ('limits' in c ? c.limits : undefined) as FilterLimits | undefined));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(c.scimType);
    expect(error.message).toContain(c.detail);
  });
});

describe('parsePatchPath: fixture table', () => {
  it.each(cases.patchPaths.map((c) => [c.path, c]))('%s', (_, c) => {
    expect(formatPatchPath(parsePatchPath(c.path))).toBe(c.ast);
  });

  it.each(cases.patchPathErrors.map((c) => [c.path, c]))('rejects %j', (_, c) => {
    const error = errorOf(() => parsePatchPath(c.path));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(c.scimType);
    expect(error.message).toContain(c.detail);
  });
});

describe('parseScimFilter: details', () => {
  it('builds the documented node shapes', () => {
    expect(parseScimFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "x"')).toEqual({
      kind: 'compare',
      path: { kind: 'attrPath', schema: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'name', subAttr: 'familyName' },
      op: 'eq',
      value: 'x',
    });
    expect(parseScimFilter('members[value eq "a"]')).toEqual({
      kind: 'valuePath',
      path: { kind: 'attrPath', attr: 'members' },
      filter: { kind: 'compare', path: { kind: 'attrPath', attr: 'value' }, op: 'eq', value: 'a' },
    });
  });

  it('keeps literals typed and bare words as strings (Entra)', () => {
    const value = (f: string) => (parseScimFilter(f) as { value: unknown }).value;
    expect(value('externalId eq 42')).toBe(42);
    expect(value('externalId eq -1.5e3')).toBe(-1500);
    expect(value('externalId eq 0042')).toBe('0042');
    expect(value('active eq TRUE')).toBe(true);
    expect(value('active eq False')).toBe(false);
    expect(value('title eq null')).toBeNull();
    expect(value('externalId eq 2011-05-13T04:42:34Z')).toBe('2011-05-13T04:42:34Z');
    expect(value('externalId eq "a\\"b\\\\c\\/d\\n"')).toBe('a"b\\c/d\n');
  });

  it('accepts a bare value right before ) and ]', () => {
    expect(formatFilter(parseScimFilter('(externalId eq jyoung)'))).toBe('(eq externalId "jyoung")');
    expect(formatFilter(parseScimFilter('members[value eq 00aa-bb]'))).toBe('(members[] (eq value "00aa-bb"))');
  });

  it('accepts any whitespace between tokens', () => {
    expect(formatFilter(parseScimFilter('  userName\teq\n"x"  '))).toBe('(eq userName "x")');
  });

  it('nests up to the default depth of 32 and no further', () => {
    const nested = (n: number) => `${'('.repeat(n)}title pr${')'.repeat(n)}`;
    expect(formatFilter(parseScimFilter(nested(32)))).toBe('(pr title)');
    expect(errorOf(() => parseScimFilter(nested(33))).message).toContain('maximum depth of 32');
  });

  it('accepts 2048 characters by default and no more', () => {
    const filter = (n: number) => `userName eq "${'a'.repeat(n - 14)}"`;
    expect(filter(2048)).toHaveLength(2048);
    expect(() => parseScimFilter(filter(2048))).not.toThrow();
    expect(errorOf(() => parseScimFilter(filter(2049))).message).toContain('maximum filter length is 2048');
  });

  it('parses long flat chains without recursion trouble', () => {
    const filter = Array.from({ length: 200 }, (_, i) => `userName eq "u${i}"`).join(' or ');
    expect(() => parseScimFilter(filter, { maxLength: 10_000 })).not.toThrow();
  });
});

describe('lexFilter', () => {
  it('classifies tokens and keeps positions', () => {
    const tokens = lexFilter('emails[type EQ "w"].value pr');
    expect(tokens.map((t) => [t.kind, t.pos])).toEqual([
      ['attrPath', 0], ['lbracket', 6], ['attrPath', 7], ['compareOp', 12], ['string', 15], ['rbracket', 18], ['subAttr', 19], ['pr', 26], ['eof', 28],
    ]);
    expect(tokens[3].op).toBe('eq');
  });

  it('splits a URN path at its last colon', () => {
    const [token] = lexFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber');
    expect(token.path).toEqual({ kind: 'attrPath', schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'employeeNumber' });
  });
});

describe('parseAttrPath', () => {
  it('parses the shared path grammar', () => {
    expect(parseAttrPath('name.givenName')).toEqual({ kind: 'attrPath', attr: 'name', subAttr: 'givenName' });
    expect(errorOf(() => parseAttrPath('name.')).scimType).toBe('invalidPath');
  });
});
