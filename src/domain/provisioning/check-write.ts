import { etagMatches } from '../../scim/etag.ts';
import { scimErrors } from '../../scim/scim-error.ts';
import type { ProvisioningDeps, WriteConditions } from './provisioning-context.ts';

/** `If-Match` against the stored version (RFC 7644 §3.14): 412 when the client's copy is stale. */
export function checkIfMatch(current: { version: number }, conditions: WriteConditions): void {
  if (conditions.ifMatch !== undefined && !etagMatches(conditions.ifMatch, current.version)) {
    throw scimErrors.preconditionFailed(`the resource has changed: its version is W/"${current.version}"`);
  }
}

export function checkPatchSize(deps: ProvisioningDeps, operations: readonly unknown[]): void {
  if (deps.maxPatchOperations !== undefined && operations.length > deps.maxPatchOperations) {
    throw scimErrors.tooMany(`a PATCH may carry at most ${deps.maxPatchOperations} operations`);
  }
}

/** The top-level attributes (extension URNs count as one) whose values differ: an update event's `changed`. */
export function changedAttributes(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => k !== 'schemas' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
