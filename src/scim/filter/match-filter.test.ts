import { describe, expect, it } from 'vitest';
import { attr, type AttributeDef } from '../schemas/attribute-def.ts';
import { findAttribute, groupResourceType, userResourceType } from '../schemas/resource-types.ts';
import { matchesFilter } from './match-filter.ts';
import { parseScimFilter } from './parse-filter.ts';
import { schemasAttribute } from './resolve-path.ts';
import { errorOf } from '../../../test/helpers/error-of.ts';

const emails = findAttribute(userResourceType, undefined, 'emails')!.def;
const roles = findAttribute(userResourceType, undefined, 'roles')!.def;
const members = findAttribute(groupResourceType, undefined, 'members')!.def;
/** A custom multi-valued attribute with typed sub-attributes, as a directory's extension could declare. */
const badges: AttributeDef = attr('badges', 'complex', {
  multiValued: true,
  subAttributes: [attr('code', 'string', { caseExact: true }), attr('level', 'integer'), attr('ratio', 'decimal'), attr('since', 'dateTime')],
});

/** Parses `[...]`'s body as the value filter of `parent` and matches one element. */
function match(element: Record<string, unknown>, filter: string, parent: AttributeDef = emails): boolean {
  return matchesFilter(element, parseScimFilter(filter), parent);
}


const work = { value: 'Babs@Example.com', type: 'work', primary: true };
const home = { value: 'babs@jensen.org', type: 'home' };

describe('matchesFilter', () => {
  it.each([
    [work, 'type eq "work"', true],
    [home, 'type eq "work"', false],
    [work, 'type eq "WORK"', true],
    [work, 'value eq "babs@example.com"', true],
    [work, 'value co "@EXAMPLE."', true],
    [work, 'value sw "babs@"', true],
    [work, 'value ew ".com"', true],
    [home, 'value ew ".com"', false],
    [work, 'value gt "a"', true],
    [work, 'value lt "a"', false],
    [work, 'value ge "babs@example.com"', true],
    [work, 'value le "babs@example.com"', true],
    [work, 'type ne "home"', true],
    [home, 'display ne "x"', true],
    [home, 'display eq "x"', false],
    [home, 'display co "x"', false],
    [home, 'display eq null', true],
    [work, 'value ne null', true],
    [work, 'primary pr', true],
    [home, 'primary pr', false],
    [{ value: '', type: 'work' }, 'value pr', false],
    [work, 'type eq "work" and value co "@example.com"', true],
    [home, 'type eq "work" and value co "@example.com"', false],
    [home, 'type eq "work" or value ew ".org"', true],
    [home, 'not (type eq "work")', true],
    [work, 'not (type eq "work") or primary eq true', true],
    [work, 'primary eq true', true],
    [work, 'primary eq "True"', true],
    [work, 'primary eq "false"', false],
    [home, 'primary eq false', false],
    [home, 'primary ne true', true],
    [{ ...home, primary: 'True' }, 'primary eq true', true],
    [{ Type: 'work', VALUE: 'x@y.z' }, 'type eq "work" and value eq "x@y.z"', true],
  ] as const)('%j matches %s: %s', (element, filter, expected) => {
    expect(match(element, filter)).toBe(expected);
  });

  it('matches group members by value (PATCH members[value eq "..."])', () => {
    const member = { value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' };
    expect(match(member, 'value eq "2819c223-7f76-453a-919d-413861904646"', members)).toBe(true);
    expect(match(member, 'value eq "89bb1940"', members)).toBe(false);
    expect(match(member, 'value eq 2819c223-7f76-453a-919d-413861904646', members)).toBe(true);
  });

  it('matches Entra roles[primary eq "True"]', () => {
    expect(match({ value: 'admin', primary: true }, 'primary eq "True"', roles)).toBe(true);
    expect(match({ value: 'user' }, 'primary eq "True"', roles)).toBe(false);
  });

  it('honours caseExact, numbers and dateTimes of the sub-attribute', () => {
    const badge = { code: 'AbC', level: 3, ratio: 0.5, since: '2021-05-01T00:00:00Z' };
    expect(match(badge, 'code eq "AbC"', badges)).toBe(true);
    expect(match(badge, 'code eq "abc"', badges)).toBe(false);
    expect(match(badge, 'code co "bC"', badges)).toBe(true);
    expect(match(badge, 'code co "bc"', badges)).toBe(false);
    expect(match(badge, 'level gt 2', badges)).toBe(true);
    expect(match(badge, 'level le 2', badges)).toBe(false);
    expect(match(badge, 'ratio lt 0.75', badges)).toBe(true);
    expect(match(badge, 'since eq "2021-05-01T00:00:00.000Z"', badges)).toBe(true);
    expect(match(badge, 'since gt "2021-04-30T23:59:59+00:00"', badges)).toBe(true);
    expect(match(badge, 'since lt "2021-05-01"', badges)).toBe(false);
    expect(match(badge, 'since sw "2021-05"', badges)).toBe(true);
  });

  it('matches a simple multi-valued attribute through `value`', () => {
    const element = { value: 'urn:ietf:params:scim:schemas:core:2.0:User' };
    expect(match(element, 'value eq "URN:ietf:params:scim:schemas:core:2.0:User"', schemasAttribute)).toBe(true);
  });

  it.each([
    ['primary gt true', emails, "Operator 'gt' is not defined for the boolean attribute 'emails.primary'"],
    ['primary eq "yes"', emails, "is boolean: expected true or false"],
    ['level eq "3"', badges, "is an integer: expected a whole number"],
    ['level co 3', badges, "Operator 'co' is not defined for the numeric attribute"],
    ['since gt "not a date"', badges, 'is not a valid date'],
    ['foo eq "x"', emails, "Unknown sub-attribute 'foo' of 'emails'"],
    ['value.sub eq "x"', emails, "must be a sub-attribute name of 'emails'"],
    ['emails[type eq "work"]', emails, 'Nested value filter'],
    ['type gt null', emails, "cannot compare 'emails.type' with null"],
  ] as const)('rejects %s with invalidFilter', (filter, parent, detail) => {
    const error = errorOf(() => match({ type: 'work', level: 3 }, filter, parent));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toContain(detail);
  });
});
