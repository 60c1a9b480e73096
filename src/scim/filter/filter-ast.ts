/**
 * The SCIM filter AST (RFC 7644 §3.4.2.2). Nodes are tagged by `kind` so compilers (SQL in store/,
 * in-memory matching of one resource's multi-valued elements in PATCH) switch on it exhaustively.
 */

/**
 * An attribute path as written: `[urn:...:]attr[.subAttr]`. Names are kept as written; resolution
 * against a resource type's schema (canonical case, type, caseExact) happens in `resolve-path.ts`.
 */
export interface AttrPath {
  readonly kind: 'attrPath';
  /** The schema URN prefix, when the path is fully qualified. */
  readonly schema?: string;
  readonly attr: string;
  readonly subAttr?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterValue = string | number | boolean | null;

export interface CompareNode {
  readonly kind: 'compare';
  readonly path: AttrPath;
  readonly op: CompareOp;
  readonly value: FilterValue;
}

export interface PresentNode {
  readonly kind: 'present';
  readonly path: AttrPath;
}

export interface LogicalNode {
  readonly kind: 'logical';
  readonly op: 'and' | 'or';
  readonly left: FilterNode;
  readonly right: FilterNode;
}

export interface NotNode {
  readonly kind: 'not';
  readonly filter: FilterNode;
}

/**
 * `emails[type eq "work" and value co "@example.com"]`: `filter` is evaluated against each element
 * of the multi-valued attribute `path`; paths inside it are relative to the element (sub-attributes).
 */
export interface ValuePathNode {
  readonly kind: 'valuePath';
  readonly path: AttrPath;
  readonly filter: FilterNode;
}

export type FilterNode = CompareNode | PresentNode | LogicalNode | NotNode | ValuePathNode;

/**
 * A PATCH path (RFC 7644 §3.5.2): `attrPath`, or `valuePath` optionally followed by `.subAttr`, e.g.
 * `members[value eq "2819c223"]`, `emails[type eq "work"].value`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
 */
export interface PatchPath {
  readonly kind: 'patchPath';
  readonly attr: AttrPath;
  readonly valueFilter?: FilterNode;
  /** The sub-attribute after a value filter: `emails[type eq "work"].value` → `value`. */
  readonly subAttr?: string;
}
