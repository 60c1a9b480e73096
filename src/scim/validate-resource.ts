import { isPlainObject, normalizeAttributeValue, normalizeMultiValue } from './normalize-attribute-value.ts';
import type { AttributeDef } from './schemas/attribute-def.ts';
import { findAttribute, findExtension, type ResourceTypeDef } from './schemas/resource-types.ts';
import { scimErrors } from './scim-error.ts';

export interface MemberInput {
  readonly value: string;
  readonly display?: string;
  readonly type?: string;
}

export interface ValidatedResource {
  /** The resource as written, attribute names in canonical case, without id, meta, read-only
   * attributes, members and password. */
  readonly resource: Record<string, unknown>;
  readonly password?: string;
  /** Group members, when the body had a `members` attribute. */
  readonly members?: MemberInput[];
}

/** One attribute's value, checked and in canonical case; multi-valued `primary` at most once (RFC 7643 §2.4). */
function checkValue(def: AttributeDef, value: unknown, label: string): unknown {
  if (!def.multiValued) return normalizeAttributeValue(def, value, label);
  // A whole resource states multi-valued attributes as arrays (RFC 7643 §2.4); only a PATCH `add`
  // may name one value alone.
  if (!Array.isArray(value)) throw scimErrors.invalidValue(`${label}: "${def.name}" is multi-valued and must be an array`);
  const values = normalizeMultiValue(def, value, label);
  if (values.filter((v) => isPlainObject(v) && v.primary === true).length > 1) {
    throw scimErrors.invalidValue(`${label}: more than one element has "primary": true`);
  }
  return values;
}

/**
 * Validates a POST or PUT body against the resource type's schemas (RFC 7643, RFC 7644 §3.3, §3.5.1).
 * Read-only attributes the client sent are ignored, as RFC 7643 §2.2 asks (Okta's PUT echoes `meta`
 * and `groups`); unknown attributes, wrong types and a missing required attribute are 400s.
 */
export function validateResource(type: ResourceTypeDef, body: unknown): ValidatedResource {
  if (!isPlainObject(body)) throw scimErrors.invalidSyntax('the request body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw scimErrors.invalidSyntax('"schemas" must be an array of schema URIs');
  }
  if (!schemas.some((s) => s.toLowerCase() === type.schema.id.toLowerCase())) {
    throw scimErrors.invalidSyntax(`"schemas" must include ${type.schema.id}`);
  }

  const resource: Record<string, unknown> = {};
  const usedExtensions = new Set<string>();
  let password: string | undefined;
  let members: MemberInput[] | undefined;

  for (const [key, value] of Object.entries(body)) {
    if (key === 'schemas') continue;
    if (key.toLowerCase().startsWith('urn:')) {
      const ext = findExtension(type, key);
      if (!ext) throw scimErrors.invalidSyntax(`"${key}" is not an extension of ${type.name}`);
      if (value === null) continue;
      if (!isPlainObject(value)) throw scimErrors.invalidValue(`${ext.id} must be an object`);
      const out: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(value)) {
        const def = ext.attributes.find((a) => a.name.toLowerCase() === name.toLowerCase());
        if (!def) throw scimErrors.invalidSyntax(`"${name}" is not an attribute of ${ext.id}`);
        if (v === null || def.mutability === 'readOnly') continue;
        out[def.name] = checkValue(def, v, `${ext.id}:${def.name}`);
      }
      if (Object.keys(out).length > 0) {
        resource[ext.id] = out;
        usedExtensions.add(ext.id);
      }
      continue;
    }
    const found = findAttribute(type, undefined, key);
    if (!found) throw scimErrors.invalidSyntax(`"${key}" is not an attribute of ${type.name}`);
    const def = found.def;
    if (value === null || def.mutability === 'readOnly') continue;
    if (type.name === 'Group' && def.name === 'members') {
      members = checkMembers(value);
      continue;
    }
    const checked = checkValue(def, value, def.name);
    if (def.mutability === 'writeOnly') {
      password = checked as string;
      continue;
    }
    if (found.extension) {
      // An extension attribute named without its URN (`department`) is stored under its extension.
      const ext = (resource[found.extension] ??= {}) as Record<string, unknown>;
      ext[def.name] = checked;
      usedExtensions.add(found.extension);
      continue;
    }
    resource[def.name] = checked;
  }

  for (const def of type.schema.attributes) {
    if (def.required && (resource[def.name] === undefined || resource[def.name] === '')) {
      throw scimErrors.invalidValue(`"${def.name}" is required`);
    }
  }

  // `schemas` lists the core schema and the extensions the resource uses (RFC 7643 §3). URIs that
  // name nothing Roster knows are dropped rather than stored: Entra's older requests carry the typo
  // "urn:ietf:params:scim:schemas:extension:enterprise:2.0User" with no data under it.
  const out: Record<string, unknown> = { schemas: [type.schema.id, ...usedExtensions], ...resource };
  return { resource: out, password, members };
}

function checkMembers(value: unknown): MemberInput[] {
  if (!Array.isArray(value)) throw scimErrors.invalidValue('members must be an array');
  return value.map((m, i) => {
    if (!isPlainObject(m) || typeof m.value !== 'string' || m.value === '') {
      throw scimErrors.invalidValue(`members[${i}].value must be a non-empty string`);
    }
    const member: { value: string; display?: string; type?: string } = { value: m.value };
    if (typeof m.display === 'string') member.display = m.display;
    if (typeof m.type === 'string') member.type = m.type;
    return member;
  });
}
