import { ENTERPRISE_USER_SCHEMA } from '../../scim/schemas/enterprise-user-schema.ts';

/** The enterprise extension's manager, fully qualified (RFC 7643 §4.3). */
export const MANAGER_PATH = `${ENTERPRISE_USER_SCHEMA}:manager`;

/** `manager` or `urn:…:enterprise:2.0:User:manager`, any case: the whole manager attribute. */
export function isManagerPath(path: string | undefined): boolean {
  if (path === undefined) return false;
  const lower = path.toLowerCase();
  return lower === 'manager' || lower === MANAGER_PATH.toLowerCase();
}
