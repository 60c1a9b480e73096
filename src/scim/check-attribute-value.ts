import type { AttributeDef } from './schemas/attribute-def.ts';
import { findSubAttribute } from './schemas/resource-types.ts';
import { scimErrors } from './scim-error.ts';

/**
 * Entra's default provisioning job sends booleans as the strings "True" / "False"
 * (`{"op":"Replace","path":"active","value":"False"}`). Read naively, "False" is truthy and would
 * keep a leaver active; so a boolean attribute accepts these strings, in any case, and nothing else.
 */
export function coerceBooleanString(value: unknown): unknown {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Checks one value against its attribute definition (RFC 7643 §2.3) and returns it with sub-attribute
 * names in canonical case. `where` names the attribute in error messages; the value itself is never
 * echoed, since it may be a password.
 */
export function checkAttributeValue(def: AttributeDef, value: unknown, where: string, ignoreMultiValued = false): unknown {
  if (def.multiValued && !ignoreMultiValued) {
    if (!Array.isArray(value)) throw scimErrors.invalidValue(`${where} is multi-valued and must be an array, not ${typeName(value)}`);
    const out = value.filter((v) => v !== null).map((v, i) => checkAttributeValue(def, v, `${where}[${i}]`, true));
    const primaries = out.filter((v) => isPlainObject(v) && v.primary === true).length;
    if (primaries > 1) throw scimErrors.invalidValue(`${where} has more than one element with primary true (RFC 7643 §2.4)`);
    return out;
  }
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') throw scimErrors.invalidValue(`${where} must be a string, not ${typeName(value)}`);
      return value;
    case 'boolean': {
      const coerced = coerceBooleanString(value);
      if (typeof coerced !== 'boolean') throw scimErrors.invalidValue(`${where} must be a boolean, not ${typeName(value)}`);
      return coerced;
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw scimErrors.invalidValue(`${where} must be an integer`);
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw scimErrors.invalidValue(`${where} must be a number`);
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw scimErrors.invalidValue(`${where} must be an xsd:dateTime string`);
      return value;
    case 'complex': {
      if (!isPlainObject(value)) throw scimErrors.invalidValue(`${where} must be an object, not ${typeName(value)}`);
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(value)) {
        const subDef = findSubAttribute(def, key);
        if (!subDef) throw scimErrors.invalidValue(`${where}.${key} is not a sub-attribute of ${def.name}`);
        // Explicit nulls mean "unassigned" (RFC 7643 §2.5); Entra's older requests send them.
        if (sub === null) continue;
        out[subDef.name] = checkAttributeValue(subDef, sub, `${where}.${subDef.name}`);
      }
      return out;
    }
  }
}
