import { BlockList, isIP } from 'node:net';
import { CUSTOM_ATTRIBUTE_TYPES, type CustomAttribute } from '../../scim/schemas/custom-schema.ts';
import { findAttribute, userResourceType } from '../../scim/schemas/resource-types.ts';
import { DomainError } from '../domain-error.ts';

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MAX_CUSTOM_ATTRIBUTES = 100;
export const MAX_ALLOWLIST_ENTRIES = 100;

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a single address; throws a DomainError naming the bad entry. */
function parseCidr(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address = '', prefixText] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0) throw new DomainError('directory.invalid', `"${entry}" is not an IP address or CIDR range`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new DomainError('directory.invalid', `"${entry}" has an invalid prefix length`);
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export function checkAllowlist(value: unknown): string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new DomainError('directory.invalid', 'ipAllowlist must be an array of CIDR ranges, or null');
  if (value.length > MAX_ALLOWLIST_ENTRIES) throw new DomainError('directory.invalid', `ipAllowlist may hold at most ${MAX_ALLOWLIST_ENTRIES} ranges`);
  for (const entry of value) parseCidr(entry);
  return value.map((v) => v.trim());
}

const allowlists = new Map<string, BlockList>();

/** Whether `ip` may call a directory with this allow-list (null allows all). */
export function ipAllowed(allowlist: readonly string[] | null, ip: string): boolean {
  if (allowlist === null) return true;
  const key = allowlist.join(',');
  let list = allowlists.get(key);
  if (!list) {
    list = new BlockList();
    for (const entry of allowlist) {
      const { address, prefix, family } = parseCidr(entry);
      list.addSubnet(address, prefix, family);
    }
    if (allowlists.size > 1000) allowlists.clear();
    allowlists.set(key, list);
  }
  // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d.
  const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
}

/** Validates one custom attribute declaration against the SCIM ATTRNAME grammar and the core schema. */
export function checkCustomAttribute(input: Record<string, unknown>, existing: readonly CustomAttribute[]): CustomAttribute {
  const { name, type = 'string', multiValued = false, caseExact = false, description = '' } = input;
  if (typeof name !== 'string' || !NAME.test(name)) throw new DomainError('directory.invalid', 'name must start with a letter and hold only letters, digits, "_" and "-" (at most 64)');
  if (!(CUSTOM_ATTRIBUTE_TYPES as readonly unknown[]).includes(type)) throw new DomainError('directory.invalid', `type must be one of ${CUSTOM_ATTRIBUTE_TYPES.join(', ')}`);
  if (typeof multiValued !== 'boolean' || typeof caseExact !== 'boolean') throw new DomainError('directory.invalid', 'multiValued and caseExact must be booleans');
  if (typeof description !== 'string' || description.length > 500) throw new DomainError('directory.invalid', 'description must be a string of at most 500 characters');
  if (existing.some((a) => a.name.toLowerCase() === name.toLowerCase())) throw new DomainError('directory.invalid', `the directory already has an attribute "${name}"`);
  if (findAttribute(userResourceType, undefined, name)) throw new DomainError('directory.invalid', `"${name}" is a core or enterprise User attribute`);
  if (existing.length >= MAX_CUSTOM_ATTRIBUTES) throw new DomainError('directory.invalid', `a directory may declare at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes`);
  return { name, type: type as CustomAttribute['type'], multiValued, caseExact, description };
}
