/** RFC 7643 §2.2 / §7: attribute characteristics, declared as data. */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly description: string;
  readonly subAttributes?: readonly AttributeDef[];
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
}

export interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDef[];
}

type AttrOptions = Partial<Omit<AttributeDef, 'name' | 'type'>>;

/** Builds an attribute with RFC 7643 §2.2 defaults (readWrite, returned default, not unique, caseExact false). */
export function attr(name: string, type: AttributeType, options: AttrOptions = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    description: '',
    // RFC 7643 §7: a reference attribute names the types it may point to; strict clients (python-scim)
    // cannot build a model without them. A URL to anything else is "external" (RFC 7643 §8.7.1, photos).
    ...(type === 'reference' ? { referenceTypes: ['external'] } : {}),
    ...options,
  };
}

/** The sub-attributes every RFC 7643 §2.4 multi-valued attribute shares. */
export function multiValuedSubs(typeValues: readonly string[], valueType: AttributeType = 'string', extra: AttributeDef[] = []) {
  return [
    attr('value', valueType, { description: 'The value.' }),
    attr('display', 'string', { description: 'A human-readable name, primarily used for display purposes.' }),
    attr('type', 'string', { canonicalValues: typeValues, description: 'A label indicating the function.' }),
    attr('primary', 'boolean', { description: 'Indicates the preferred value; at most one may be true.' }),
    ...extra,
  ];
}
