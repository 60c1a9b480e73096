import type { PatchPath } from '../filter/filter-ast.ts';
import { parsePatchPath } from '../filter/parse-filter.ts';
import { ScimError, scimErrors } from '../scim-error.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** One validated PATCH operation (RFC 7644 §3.5.2), its path parsed but not yet resolved against a schema. */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path: PatchPath | undefined;
  /** The path as sent, for error messages and for paths that name a whole extension (`urn:…:User`). */
  readonly pathText: string | undefined;
  /** As sent; `undefined` only for `remove` without a value. Type-checked later, against the target. */
  readonly value: unknown;
  /** Position in `Operations`, named by every error about this operation. */
  readonly index: number;
}

const OP_NAMES: ReadonlySet<string> = new Set(['add', 'replace', 'remove']);

/**
 * Validates a PatchOp message (RFC 7644 §3.5.2) and parses each operation's path.
 *
 * Attribute names of the message (`schemas`, `Operations`, `op`, `path`, `value`) are matched
 * ignoring case (RFC 7644 §3.10), and so is `op`: Entra sends `Add`, `Replace`, `Remove`.
 * An empty `Operations` array is accepted (Entra sends it); the caller then has nothing to apply.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw scimErrors.invalidSyntax('The PATCH body must be a JSON object.');

  const schemas = readMember(body, 'schemas');
  const lowerSchema = PATCH_OP_SCHEMA.toLowerCase();
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === lowerSchema)) {
    throw scimErrors.invalidSyntax(`"schemas" must contain "${PATCH_OP_SCHEMA}".`);
  }

  const operations = readMember(body, 'Operations');
  if (!Array.isArray(operations)) throw scimErrors.invalidSyntax('"Operations" must be an array.');

  return operations.map((operation, index) => parseOperation(operation, index));
}

function parseOperation(operation: unknown, index: number): PatchOperation {
  const label = `Operations[${index}]`;
  if (!isPlainObject(operation)) throw scimErrors.invalidSyntax(`${label}: an operation must be a JSON object.`);

  const rawOp = readMember(operation, 'op');
  if (typeof rawOp !== 'string' || !OP_NAMES.has(rawOp.toLowerCase())) {
    throw scimErrors.invalidSyntax(`${label}: "op" must be "add", "replace" or "remove".`);
  }
  const op = rawOp.toLowerCase() as PatchOpName;

  const rawPath = readMember(operation, 'path');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    throw scimErrors.invalidSyntax(`${label}: "path" must be a string.`);
  }
  // An empty (or null) path names no attribute (RFC 7644 §3.5.2 PATH ABNF): read it as omitted.
  const pathText = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath.trim() : undefined;

  const value = readMember(operation, 'value');
  if (op === 'remove' && pathText === undefined) {
    // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with HTTP status code 400
    // and a "scimType" error code of "noTarget"."
    throw scimErrors.noTarget(`${label}: "remove" requires a "path".`);
  }
  if (op !== 'remove' && value === undefined) {
    throw scimErrors.invalidSyntax(`${label}: "${op}" requires a "value".`);
  }

  let path: PatchPath | undefined;
  if (pathText !== undefined) {
    try {
      path = parsePatchPath(pathText);
    } catch (error) {
      if (error instanceof ScimError) {
        throw new ScimError(error.status, error.scimType, `${label}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
  return { op, path, pathText, value, index };
}

/** Reads a message attribute ignoring case, preferring the exact spelling when both are present. */
function readMember(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
