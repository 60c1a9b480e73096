import { randomUUID } from 'node:crypto';
import type { DirectoryRow, TokenRow } from '../../store/database.ts';
import type { Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { IDP_NAMES, isIdpName } from './idp-names.ts';
import { generateSecret, hashesEqual, hashSecret, TOKEN_PREFIX } from './secrets.ts';

export interface DirectoryView {
  readonly id: string;
  readonly name: string;
  readonly idp: string;
  readonly status: DirectoryRow['status'];
  readonly createdAt: string;
  readonly updatedAt: string;
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
  | { readonly ok: true; readonly directory: DirectoryView; readonly tokenId: string }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' };

export interface DirectoryServiceOptions {
  readonly now?: () => Date;
  /** `last_used_at` is written at most this often per token, so authentication stays read-only. */
  readonly lastUsedResolutionMs?: number;
}

const NAME_MAX = 200;

export function toDirectoryView(row: DirectoryRow): DirectoryView {
  return { id: row.id, name: row.name, idp: row.idp, status: row.status, createdAt: row.created_at, updatedAt: row.updated_at };
}

function toTokenView(row: TokenRow, now: Date): TokenView {
  const expired = row.expires_at !== null && row.expires_at <= now.toISOString();
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
      const row: DirectoryRow = { id: randomUUID(), name, idp, status: 'active', created_at: at, updated_at: at };
      const { token, row: tokenRow } = newTokenRow(row.id, 'initial', null);
      await store.write(async (q) => {
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

    async update(id: string, input: { name?: unknown; idp?: unknown; status?: unknown }): Promise<DirectoryView> {
      const row = await mustGet(id);
      const patch: Partial<DirectoryRow> = { updated_at: now().toISOString() };
      if (input.name !== undefined) patch.name = checkName(input.name);
      if (input.idp !== undefined) patch.idp = checkIdp(input.idp);
      if (input.status !== undefined) {
        if (input.status !== 'active' && input.status !== 'paused') throw new DomainError('directory.invalid', 'status must be active or paused');
        patch.status = input.status;
      }
      await store.write(async (q) => {
        await q.directories.update(id, patch);
        await q.events.append({ directoryId: id, type: 'directory.updated', resourceType: 'Directory', resourceId: id, data: input, at: patch.updated_at! });
      });
      return toDirectoryView({ ...row, ...patch });
    },

    /** Deletes the directory's users, groups and memberships; its IdP then gets 404 on every call. */
    async remove(id: string): Promise<void> {
      await mustGet(id);
      const at = now().toISOString();
      await store.write(async (q) => {
        await q.directories.purgeData(id);
        await q.directories.update(id, { status: 'deleted', updated_at: at });
        await q.events.append({ directoryId: id, type: 'directory.deleted', resourceType: 'Directory', resourceId: id, data: {}, at });
      });
    },

    async createToken(directoryId: string, input: { label?: string | null; expiresAt?: string | null } = {}): Promise<IssuedToken> {
      await mustGet(directoryId);
      const { token, row } = newTokenRow(directoryId, input.label ?? null, checkExpiry(input.expiresAt));
      await store.write((q) => q.tokens.insert(row));
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
      const expiresAt = old.expires_at && old.expires_at < graceEnd ? old.expires_at : graceEnd;
      const { token, row } = newTokenRow(old.directory_id, old.label, null);
      await store.write(async (q) => {
        await q.tokens.insert(row);
        await q.tokens.update(old.id, { expires_at: expiresAt });
      });
      return { token, view: toTokenView(row, now()) };
    },

    async revokeToken(tokenId: string): Promise<TokenView> {
      const row = await store.read((q) => q.tokens.get(tokenId));
      if (!row) throw new DomainError('token.not_found', `no token ${tokenId}`);
      const revoked = { ...row, revoked_at: row.revoked_at ?? now().toISOString() };
      await store.write((q) => q.tokens.update(tokenId, { revoked_at: revoked.revoked_at }));
      return toTokenView(revoked, now());
    },

    /** Resolves a presented bearer token to its directory. Reads only, except a throttled last_used_at. */
    async authenticate(presented: string): Promise<Authentication> {
      const hash = hashSecret(presented);
      const found = await store.read((q) => q.tokens.findWithDirectory(hash));
      if (!found || !hashesEqual(found.token.token_hash, hash)) return { ok: false, reason: 'unknown' };
      const { token: row, directory } = found;
      if (row.revoked_at) return { ok: false, reason: 'revoked' };
      const at = now();
      if (row.expires_at && row.expires_at <= at.toISOString()) return { ok: false, reason: 'expired' };
      const last = lastUsedWritten.get(row.id) ?? 0;
      if (at.getTime() - last >= lastUsedResolutionMs) {
        lastUsedWritten.set(row.id, at.getTime());
        await store.write((q) => q.tokens.update(row.id, { last_used_at: at.toISOString() }));
      }
      return { ok: true, directory: toDirectoryView(directory), tokenId: row.id };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
