import { randomUUID } from 'node:crypto';
import type { DirectoryRow, TokenRow } from '../../store/database.ts';
import type { Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { IDP_NAMES, isIdpName } from './idp-names.ts';
import { generateSecret, hashesEqual, hashSecret, TOKEN_PREFIX } from './secrets.ts';
import type { CustomAttribute } from '../../scim/schemas/custom-schema.ts';
import { verifyPassword } from '../provisioning/password-hash.ts';
import { checkAllowlist, checkCustomAttribute, parseCustomAttributes } from './directory-settings.ts';

export interface DirectoryView {
  readonly id: string;
  readonly name: string;
  readonly idp: string;
  readonly status: DirectoryRow['status'];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly passwordMode: DirectoryRow['password_mode'];
  readonly ipAllowlist: string[] | null;
  readonly customAttributes: CustomAttribute[];
}

export interface TokenView {
  readonly id: string;
  readonly directoryId: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  readonly state: 'active' | 'expiring' | 'expired' | 'revoked';
}

/** A token shown once, with the view stored for it. */
export interface IssuedToken {
  readonly token: string;
  readonly view: TokenView;
}

export type Authentication =
  | {
      readonly ok: true;
      readonly directory: DirectoryView;
      readonly row: DirectoryRow;
      readonly tokenId: string;
      /** Set when the token expires within EXPIRY_WARNING_MS: time to rotate it. */
      readonly expiresAt?: string;
    }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' };

export interface DirectoryServiceOptions {
  readonly now?: () => Date;
  /** `last_used_at` is written at most this often per token, so authentication stays read-only. */
  readonly lastUsedResolutionMs?: number;
}

const NAME_MAX = 200;

/** How long a token lookup is reused (see authCache). */
export const AUTH_CACHE_MS = 1000;

/** A token this close to its expiry is announced on every use, so the admin rotates it in time. */
export const EXPIRY_WARNING_MS = 7 * 24 * 3600 * 1000;

export function toDirectoryView(row: DirectoryRow): DirectoryView {
  return {
    id: row.id,
    name: row.name,
    idp: row.idp,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordMode: row.password_mode,
    ipAllowlist: row.ip_allowlist ? JSON.parse(row.ip_allowlist) : null,
    customAttributes: parseCustomAttributes(row.custom_attributes),
  };
}

function toTokenView(row: TokenRow, now: Date): TokenView {
  // Instants, not strings: `+010000-01-01T…` sorts before `2025-…` as text.
  const expired = row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime();
  const state = row.revoked_at ? 'revoked' : expired ? 'expired' : row.expires_at ? 'expiring' : 'active';
  return {
    id: row.id,
    directoryId: row.directory_id,
    prefix: row.prefix,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    state,
  };
}

/** Directories (one per IdP connection) and the bearer tokens that reach them. */
export function createDirectoryService(store: Store, options: DirectoryServiceOptions = {}) {
  const now = options.now ?? (() => new Date());
  const lastUsedResolutionMs = options.lastUsedResolutionMs ?? 60_000;
  const lastUsedWritten = new Map<string, number>();

  /**
   * Token lookups, kept for AUTH_CACHE_MS: every SCIM request authenticates, and this saves a
   * database round trip per request. Any change made through this process clears it at once; a
   * change made by another node or the CLI is seen within AUTH_CACHE_MS.
   */
  const authCache = new Map<string, { found: Awaited<ReturnType<typeof lookUp>>; at: number }>();
  const lookUp = (hash: string) => store.read((q) => q.tokens.findWithDirectory(hash));
  const write: Store['write'] = async (fn) => {
    authCache.clear();
    try {
      return await store.write(fn);
    } finally {
      authCache.clear();
    }
  };

  function checkName(name: unknown): string {
    if (typeof name !== 'string' || name.trim() === '' || name.length > NAME_MAX) {
      throw new DomainError('directory.invalid', `name must be a non-empty string of at most ${NAME_MAX} characters`);
    }
    return name.trim();
  }

  function checkIdp(idp: unknown): string {
    if (typeof idp !== 'string' || !isIdpName(idp)) {
      throw new DomainError('directory.invalid', `idp must be one of ${IDP_NAMES.join(', ')}`);
    }
    return idp;
  }

  async function mustGet(id: string): Promise<DirectoryRow> {
    const row = await store.read((q) => q.directories.get(id));
    if (!row || row.status === 'deleted') throw new DomainError('directory.not_found', `no directory ${id}`);
    return row;
  }

  function newTokenRow(directoryId: string, label: string | null, expiresAt: string | null): { token: string; row: TokenRow } {
    const { secret, hash, prefix } = generateSecret(TOKEN_PREFIX);
    const at = now().toISOString();
    const row: TokenRow = {
      id: randomUUID(),
      directory_id: directoryId,
      token_hash: hash,
      prefix,
      label,
      created_at: at,
      expires_at: expiresAt,
      revoked_at: null,
      last_used_at: null,
    };
    return { token: secret, row };
  }

  function checkExpiry(expiresAt: string | null | undefined): string | null {
    if (expiresAt == null) return null;
    const at = new Date(expiresAt);
    if (Number.isNaN(at.getTime())) throw new DomainError('token.invalid', 'expiresAt must be an ISO 8601 date-time');
    if (at <= now()) throw new DomainError('token.invalid', 'expiresAt must be in the future');
    return at.toISOString();
  }

  return {
    async create(input: { name: unknown; idp?: unknown }): Promise<{ directory: DirectoryView; token: IssuedToken }> {
      const name = checkName(input.name);
      const idp = checkIdp(input.idp ?? 'generic');
      const at = now().toISOString();
      const row: DirectoryRow = { id: randomUUID(), name, idp, status: 'active', created_at: at, updated_at: at, password_mode: 'ignore', ip_allowlist: null, custom_attributes: null };
      const { token, row: tokenRow } = newTokenRow(row.id, 'initial', null);
      await write(async (q) => {
        await q.directories.insert(row);
        await q.tokens.insert(tokenRow);
        await q.events.append({ directoryId: row.id, type: 'directory.created', resourceType: 'Directory', resourceId: row.id, data: { name, idp }, at });
      });
      return { directory: toDirectoryView(row), token: { token, view: toTokenView(tokenRow, now()) } };
    },

    list: async (): Promise<DirectoryView[]> => (await store.read((q) => q.directories.list())).map(toDirectoryView),

    async get(id: string): Promise<DirectoryView & { users: number; groups: number }> {
      const row = await mustGet(id);
      const counts = await store.read((q) => q.directories.counts(id));
      return { ...toDirectoryView(row), ...counts };
    },

    async update(id: string, input: { name?: unknown; idp?: unknown; status?: unknown; passwordMode?: unknown; ipAllowlist?: unknown }): Promise<DirectoryView> {
      const row = await mustGet(id);
      const patch: Partial<DirectoryRow> = { updated_at: now().toISOString() };
      if (input.name !== undefined) patch.name = checkName(input.name);
      if (input.idp !== undefined) patch.idp = checkIdp(input.idp);
      if (input.passwordMode !== undefined) {
        if (input.passwordMode !== 'ignore' && input.passwordMode !== 'store') throw new DomainError('directory.invalid', 'passwordMode must be ignore or store');
        patch.password_mode = input.passwordMode;
      }
      if (input.ipAllowlist !== undefined) {
        const list = checkAllowlist(input.ipAllowlist);
        patch.ip_allowlist = list === null ? null : JSON.stringify(list);
      }
      if (input.status !== undefined) {
        if (input.status !== 'active' && input.status !== 'paused') throw new DomainError('directory.invalid', 'status must be active or paused');
        patch.status = input.status;
      }
      await write(async (q) => {
        await q.directories.update(id, patch);
        const { ipAllowlist, ...rest } = input;
        await q.events.append({ directoryId: id, type: 'directory.updated', resourceType: 'Directory', resourceId: id, data: { ...rest, ...(ipAllowlist !== undefined ? { ipAllowlist: patch.ip_allowlist ? JSON.parse(patch.ip_allowlist) : null } : {}) }, at: patch.updated_at! });
      });
      return toDirectoryView({ ...row, ...patch });
    },

    /** Deletes the directory's users, groups and memberships; its IdP then gets 404 on every call. */
    async remove(id: string): Promise<void> {
      await mustGet(id);
      const at = now().toISOString();
      await write(async (q) => {
        await q.directories.purgeData(id);
        await q.directories.update(id, { status: 'deleted', updated_at: at });
        await q.events.append({ directoryId: id, type: 'directory.deleted', resourceType: 'Directory', resourceId: id, data: {}, at });
      });
    },

    /** Declares a custom attribute; it appears in the directory's /Schemas at once. */
    async addAttribute(id: string, input: Record<string, unknown>): Promise<CustomAttribute> {
      const row = await mustGet(id);
      const existing = parseCustomAttributes(row.custom_attributes);
      const attribute = checkCustomAttribute(input, existing);
      const at = now().toISOString();
      await write(async (q) => {
        await q.directories.update(id, { custom_attributes: JSON.stringify([...existing, attribute]), updated_at: at });
        await q.events.append({ directoryId: id, type: 'directory.attribute_added', resourceType: 'Directory', resourceId: id, data: attribute, at });
      });
      return attribute;
    },

    /** Removes a declaration. Values already stored stay in the resources (an IdP reads back what it wrote). */
    async removeAttribute(id: string, name: string): Promise<void> {
      const row = await mustGet(id);
      const existing = parseCustomAttributes(row.custom_attributes);
      const kept = existing.filter((a) => a.name.toLowerCase() !== name.toLowerCase());
      if (kept.length === existing.length) throw new DomainError('directory.not_found', `the directory has no attribute "${name}"`);
      const at = now().toISOString();
      await write(async (q) => {
        await q.directories.update(id, { custom_attributes: kept.length > 0 ? JSON.stringify(kept) : null, updated_at: at });
        await q.events.append({ directoryId: id, type: 'directory.attribute_removed', resourceType: 'Directory', resourceId: id, data: { name }, at });
      });
    },

    /**
     * Checks a userName/password pair against the hash the IdP synced, for apps that authenticate
     * locally. False for unknown, inactive or password-less users; the time taken does not tell which.
     */
    async verifyPassword(id: string, input: { userName?: unknown; password?: unknown }): Promise<boolean> {
      const row = await mustGet(id);
      if (typeof input.userName !== 'string' || typeof input.password !== 'string') throw new DomainError('request.invalid', 'send {"userName": "…", "password": "…"}');
      if (row.password_mode !== 'store') throw new DomainError('directory.invalid', 'this directory does not store passwords (set passwordMode to store)');
      const found = await store.read((q) => q.passwords.findByUserName(id, input.userName!.toString().toLowerCase()));
      const valid = await verifyPassword(input.password, found?.hash ?? null);
      return valid && found?.active !== 0;
    },

    async createToken(directoryId: string, input: { label?: string | null; expiresAt?: string | null } = {}): Promise<IssuedToken> {
      await mustGet(directoryId);
      const { token, row } = newTokenRow(directoryId, input.label ?? null, checkExpiry(input.expiresAt));
      await write((q) => q.tokens.insert(row));
      return { token, view: toTokenView(row, now()) };
    },

    async listTokens(directoryId: string): Promise<TokenView[]> {
      await mustGet(directoryId);
      const at = now();
      return (await store.read((q) => q.tokens.listForDirectory(directoryId))).map((r) => toTokenView(r, at));
    },

    /**
     * Issues a new token and lets the old one keep working for `graceSeconds`, so the admin can paste
     * the new one into the IdP without a window in which provisioning fails.
     */
    async rotateToken(tokenId: string, graceSeconds: number): Promise<IssuedToken> {
      if (!Number.isFinite(graceSeconds) || graceSeconds < 0) throw new DomainError('token.invalid', 'grace period must be zero or more seconds');
      const old = await store.read((q) => q.tokens.get(tokenId));
      if (!old || old.revoked_at) throw new DomainError('token.not_found', `no active token ${tokenId}`);
      await mustGet(old.directory_id);
      const graceEnd = new Date(now().getTime() + graceSeconds * 1000).toISOString();
      const expiresAt = old.expires_at && Date.parse(old.expires_at) < Date.parse(graceEnd) ? old.expires_at : graceEnd;
      const { token, row } = newTokenRow(old.directory_id, old.label, null);
      await write(async (q) => {
        await q.tokens.insert(row);
        await q.tokens.update(old.id, { expires_at: expiresAt });
      });
      return { token, view: toTokenView(row, now()) };
    },

    async revokeToken(tokenId: string): Promise<TokenView> {
      const row = await store.read((q) => q.tokens.get(tokenId));
      if (!row) throw new DomainError('token.not_found', `no token ${tokenId}`);
      const revoked = { ...row, revoked_at: row.revoked_at ?? now().toISOString() };
      await write((q) => q.tokens.update(tokenId, { revoked_at: revoked.revoked_at }));
      return toTokenView(revoked, now());
    },

    /** Resolves a presented bearer token to its directory. Reads only, except a throttled last_used_at. */
    async authenticate(presented: string): Promise<Authentication> {
      const hash = hashSecret(presented);
      const cached = authCache.get(hash);
      let found = cached && Date.now() - cached.at < AUTH_CACHE_MS ? cached.found : undefined;
      if (!found) {
        found = await lookUp(hash);
        // Only real tokens are kept, so a flood of wrong ones cannot grow the cache.
        if (found) {
          if (authCache.size >= 10_000) authCache.clear();
          authCache.set(hash, { found, at: Date.now() });
        }
      }
      if (!found || !hashesEqual(found.token.token_hash, hash)) return { ok: false, reason: 'unknown' };
      const { token: row, directory } = found;
      if (row.revoked_at) return { ok: false, reason: 'revoked' };
      const at = now();
      if (row.expires_at && Date.parse(row.expires_at) <= at.getTime()) return { ok: false, reason: 'expired' };
      const last = lastUsedWritten.get(row.id) ?? 0;
      if (at.getTime() - last >= lastUsedResolutionMs) {
        lastUsedWritten.set(row.id, at.getTime());
        await store.write((q) => q.tokens.update(row.id, { last_used_at: at.toISOString() }));
      }
      const expiresSoon = row.expires_at !== null && new Date(row.expires_at).getTime() - at.getTime() < EXPIRY_WARNING_MS;
      return { ok: true, directory: toDirectoryView(directory), row: directory, tokenId: row.id, expiresAt: expiresSoon ? row.expires_at! : undefined };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
