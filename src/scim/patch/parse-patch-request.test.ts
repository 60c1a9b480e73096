import { describe, expect, it } from 'vitest';
import { ScimError } from '../scim-error.ts';
import { PATCH_OP_SCHEMA, parsePatchRequest } from './parse-patch-request.ts';

const message = (...operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });

function errorOf(body: unknown): ScimError {
  try {
    parsePatchRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected parsePatchRequest to throw');
}

describe('parsePatchRequest (RFC 7644 §3.5.2)', () => {
  it('parses operations with a lowercase op, parsed path, value and index', () => {
    const ops = parsePatchRequest(
      message(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@example.com' },
        { op: 'Add', path: 'nickName', value: 'Babs' },
        { op: 'Remove', path: 'members[value eq "2819c223"]' },
        { op: 'replace', value: { active: false } },
      ),
    );
    expect(ops.map((o) => [o.op, o.index, o.pathText])).toEqual([
      ['replace', 0, 'emails[type eq "work"].value'],
      ['add', 1, 'nickName'],
      ['remove', 2, 'members[value eq "2819c223"]'],
      ['replace', 3, undefined],
    ]);
    expect(ops[0].path).toMatchObject({ kind: 'patchPath', attr: { attr: 'emails' }, subAttr: 'value' });
    expect(ops[0].path?.valueFilter).toMatchObject({ kind: 'compare', op: 'eq', value: 'work' });
    expect(ops[1].path).toEqual({ kind: 'patchPath', attr: { kind: 'attrPath', attr: 'nickName' } });
    expect(ops[2].value).toBeUndefined();
    expect(ops[3]).toMatchObject({ path: undefined, value: { active: false } });
  });

  it('accepts an empty Operations array (Entra sends it)', () => {
    expect(parsePatchRequest(message())).toEqual([]);
  });

  it('accepts every case of op (Entra: Add, Replace, Remove)', () => {
    for (const op of ['ADD', 'Add', 'add', 'rEpLaCe']) {
      expect(parsePatchRequest(message({ op, path: 'title', value: 'x' }))[0].op).toBe(op.toLowerCase());
    }
  });

  it('reads message attribute names ignoring case (RFC 7644 §3.10)', () => {
    const ops = parsePatchRequest({ Schemas: [PATCH_OP_SCHEMA.toUpperCase()], operations: [{ OP: 'add', Path: 'title', Value: 'x' }] });
    expect(ops[0]).toMatchObject({ op: 'add', pathText: 'title', value: 'x' });
  });

  it('keeps an extension URN path and a URN-qualified attribute path', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const [a, b] = parsePatchRequest(message({ op: 'replace', path: `${urn}:manager.value`, value: 'x' }, { op: 'remove', path: urn }));
    expect(a.path?.attr).toEqual({ kind: 'attrPath', schema: urn, attr: 'manager', subAttr: 'value' });
    expect(b.pathText).toBe(urn);
  });

  it('treats an empty or null path on add/replace as omitted', () => {
    expect(parsePatchRequest(message({ op: 'replace', path: '', value: { active: false } }))[0].path).toBeUndefined();
    expect(parsePatchRequest(message({ op: 'add', path: null, value: { title: 'x' } }))[0].path).toBeUndefined();
  });

  it('keeps null as a value (RFC 7643 §2.5: unassigned) for add and replace', () => {
    expect(parsePatchRequest(message({ op: 'replace', path: 'title', value: null }))[0].value).toBeNull();
  });

  it('keeps a value on remove (Entra: remove members with a value list)', () => {
    const [op] = parsePatchRequest(message({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'f648' }] }));
    expect(op.value).toEqual([{ $ref: null, value: 'f648' }]);
  });

  const invalid: [string, unknown, number, string | undefined, RegExp][] = [
    ['a non-object body', [1, 2], 400, 'invalidSyntax', /JSON object/],
    ['a null body', null, 400, 'invalidSyntax', /JSON object/],
    ['missing schemas', { Operations: [] }, 400, 'invalidSyntax', /schemas/],
    ['schemas without PatchOp', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [] }, 400, 'invalidSyntax', /PatchOp/],
    ['schemas as a string', { schemas: PATCH_OP_SCHEMA, Operations: [] }, 400, 'invalidSyntax', /schemas/],
    ['missing Operations', { schemas: [PATCH_OP_SCHEMA] }, 400, 'invalidSyntax', /Operations/],
    ['Operations as an object', { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }, 400, 'invalidSyntax', /Operations/],
    ['an operation that is not an object', message('add'), 400, 'invalidSyntax', /^Operations\[0\]: /],
    ['an unknown op', message({ op: 'add', path: 'a', value: 1 }, { op: 'delete', path: 'title' }), 400, 'invalidSyntax', /^Operations\[1\]: "op"/],
    ['a missing op', message({ path: 'title', value: 'x' }), 400, 'invalidSyntax', /^Operations\[0\]: "op"/],
    ['a non-string path', message({ op: 'add', path: 3, value: 'x' }), 400, 'invalidSyntax', /^Operations\[0\]: "path"/],
    ['add without value', message({ op: 'add', path: 'title' }), 400, 'invalidSyntax', /^Operations\[0\]: "add" requires a "value"/],
    ['replace without value', message({ op: 'add', path: 't', value: 1 }, { op: 'Replace' }), 400, 'invalidSyntax', /^Operations\[1\]: "replace"/],
    // RFC 7644 §3.5.2.2: remove without path is 400 noTarget.
    ['remove without path', message({ op: 'remove' }), 400, 'noTarget', /^Operations\[0\]: "remove" requires a "path"/],
    ['remove with an empty path', message({ op: 'remove', path: ' ' }), 400, 'noTarget', /^Operations\[0\]/],
    ['a malformed path', message({ op: 'add', path: 'emails[type eq', value: 'x' }), 400, 'invalidPath', /^Operations\[0\]: /],
    ['a path with garbage', message({ op: 'add', path: 'name givenName', value: 'x' }), 400, 'invalidPath', /^Operations\[0\]: /],
  ];
  for (const [name, body, status, scimType, detail] of invalid) {
    it(`rejects ${name}`, () => {
      const error = errorOf(body);
      expect({ status: error.status, scimType: error.scimType }).toEqual({ status, scimType });
      expect(error.message).toMatch(detail);
    });
  }

  it('never echoes a value in its errors', () => {
    const error = errorOf(message({ op: 'bogus', path: 'password', value: 'hunter2-secret' }));
    expect(JSON.stringify(error.toBody())).not.toContain('hunter2-secret');
  });
});
