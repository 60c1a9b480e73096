import { parsePatchPath } from '../filter/parse-filter.ts';
import { resolveAttrPath } from '../filter/resolve-path.ts';
import type { AttrPath } from '../filter/filter-ast.ts';
import { isPlainObject } from '../normalize-attribute-value.ts';
import { findExtension, type ResourceTypeDef } from '../schemas/resource-types.ts';
import type { PatchOperation } from './parse-patch-request.ts';

/**
 * The password a PATCH sets (the last one, as operations apply in order), found before the write so
 * a slow hash is never computed while the write lock is held.
 *
 * Paths and pathless keys are resolved exactly as the PATCH engine resolves them (RFC 7644 §3.10:
 * names may carry their schema URN, the core one included), so every form the engine applies is
 * found here: `password`, `urn:…:core:2.0:User:password`, `{"password": …}`,
 * `{"urn:…:core:2.0:User:password": …}` and `{"urn:…:core:2.0:User": {"password": …}}`. A form the
 * engine would refuse is ignored here: the engine refuses it with the operation's index.
 */
export function findPatchPassword(type: ResourceTypeDef, operations: readonly PatchOperation[]): string | undefined {
  let found: string | undefined;
  for (const op of operations) {
    if (op.op === 'remove') continue;
    if (op.path !== undefined && op.pathText !== undefined) {
      if (findExtension(type, op.pathText)) continue;
      if (op.path.valueFilter === undefined && isPassword(type, op.path.attr) && typeof op.value === 'string') found = op.value;
      continue;
    }
    found = findInValue(type, op.value) ?? found;
  }
  return found;
}

/** A pathless value: keys are paths; a core URN key holds core attributes (apply-patch.ts does the same). */
function findInValue(type: ResourceTypeDef, value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  let found: string | undefined;
  for (const [key, keyValue] of Object.entries(value)) {
    if (key.toLowerCase() === type.schema.id.toLowerCase()) {
      found = findInValue(type, keyValue) ?? found;
      continue;
    }
    let path: AttrPath;
    try {
      const parsed = parsePatchPath(key);
      if (parsed.valueFilter !== undefined) continue;
      path = parsed.attr;
    } catch {
      continue;
    }
    if (isPassword(type, path) && typeof keyValue === 'string') found = keyValue;
  }
  return found;
}

function isPassword(type: ResourceTypeDef, path: AttrPath): boolean {
  if (path.subAttr !== undefined) return false;
  try {
    const resolved = resolveAttrPath(type, path, 'patch');
    return resolved.extension === undefined && resolved.def.mutability === 'writeOnly' && resolved.def.name === 'password';
  } catch {
    return false;
  }
}
