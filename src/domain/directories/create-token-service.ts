import { randomUUID } from 'node:crypto';
import type { AuditActor, Queries, Store, TokenRecord } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import type { EventRecorder } from '../events/record-event.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import type { AuthCache } from './auth-cache.ts';
import { mustGetDirectory } from './must-get-directory.ts';
import { generateSecret, TOKEN_PREFIX } from './secrets.ts';
import { tokenData, toTokenView, type IssuedToken, type TokenView } from './views.ts';

export interface TokenServiceDeps {
  readonly store: Store;
  readonly events: EventRecorder;
  readonly authCache: AuthCache;
  readonly audit: AuditLog;
  readonly now?: () => Date;
}

/** The bearer tokens that reach a directory: shown once, stored as a hash, rotated with an overlap. */
export function createTokenService(deps: TokenServiceDeps) {
  const { store, events, authCache, audit } = deps;
  const now = deps.now ?? (() => new Date());

  function checkExpiry(expiresAt: string | null | undefined): string | null {
    if (expiresAt == null) return null;
    const at = new Date(expiresAt);
    if (Number.isNaN(at.getTime())) throw new DomainError('token.invalid', 'expiresAt must be an ISO 8601 date-time');
    if (at <= now()) throw new DomainError('token.invalid', 'expiresAt must be in the future');
    return at.toISOString();
  }

  async function mustGetToken(id: string): Promise<TokenRecord> {
    const found = await store.read((q) => q.tokens.get(id));
    if (!found) throw new DomainError('token.not_found', `no token ${id}`);
    return found;
  }

  /** Writes a new token in the caller's transaction and records it. */
  async function issue(q: Queries, directoryId: string, input: { label: string | null; expiresAt: string | null }, replaces?: { id: string; expiresAt: string }): Promise<IssuedToken> {
    const { secret, hash, prefix } = generateSecret(TOKEN_PREFIX);
    const at = now().toISOString();
    const token: TokenRecord = { id: randomUUID(), directoryId, tokenHash: hash, prefix, label: input.label, createdAt: at, expiresAt: input.expiresAt, revokedAt: null, lastUsedAt: null };
    await q.tokens.insert(token);
    if (replaces) {
      await q.tokens.update(replaces.id, { expiresAt: replaces.expiresAt });
      await events.record(q, { type: 'token.rotated', directoryId, resourceId: token.id, data: { ...tokenData(token), replacedTokenId: replaces.id, replacedTokenExpiresAt: replaces.expiresAt }, at });
    } else {
      await events.record(q, { type: 'token.created', directoryId, resourceId: token.id, data: tokenData(token), at });
    }
    return { token: secret, view: toTokenView(token, now()) };
  }

  return {
    issue,

    async create(directoryId: string, input: { label?: string | null; expiresAt?: string | null } = {}, actor: AuditActor = SYSTEM_ACTOR): Promise<IssuedToken> {
      await mustGetDirectory(store, directoryId);
      const expiresAt = checkExpiry(input.expiresAt);
      return authCache.write(async (q) => {
        const issued = await issue(q, directoryId, { label: input.label ?? null, expiresAt });
        await audit.record(q, actor, { action: 'token.create', targetType: 'Token', targetId: issued.view.id, directoryId, before: null, after: issued.view });
        return issued;
      });
    },

    async list(directoryId: string): Promise<TokenView[]> {
      await mustGetDirectory(store, directoryId);
      const at = now();
      return (await store.read((q) => q.tokens.listForDirectory(directoryId))).map((t) => toTokenView(t, at));
    },

    /**
     * Issues a new token and lets the old one keep working for `graceSeconds`, so the admin can paste
     * the new one into the IdP without a window in which provisioning fails.
     */
    async rotate(tokenId: string, graceSeconds: number, actor: AuditActor = SYSTEM_ACTOR): Promise<IssuedToken> {
      if (!Number.isFinite(graceSeconds) || graceSeconds < 0) throw new DomainError('token.invalid', 'grace period must be zero or more seconds');
      const old = await store.read((q) => q.tokens.get(tokenId));
      if (!old || old.revokedAt) throw new DomainError('token.not_found', `no active token ${tokenId}`);
      await mustGetDirectory(store, old.directoryId);
      const graceEnd = new Date(now().getTime() + graceSeconds * 1000).toISOString();
      const expiresAt = old.expiresAt && Date.parse(old.expiresAt) < Date.parse(graceEnd) ? old.expiresAt : graceEnd;
      return authCache.write(async (q) => {
        const issued = await issue(q, old.directoryId, { label: old.label, expiresAt: null }, { id: old.id, expiresAt });
        const at = now();
        await audit.record(q, actor, {
          action: 'token.rotate',
          targetType: 'Token',
          targetId: old.id,
          directoryId: old.directoryId,
          before: toTokenView(old, at),
          after: { ...toTokenView({ ...old, expiresAt }, at), replacedBy: issued.view },
        });
        return issued;
      });
    },

    async revoke(tokenId: string, actor: AuditActor = SYSTEM_ACTOR): Promise<TokenView> {
      const current = await mustGetToken(tokenId);
      if (current.revokedAt) return toTokenView(current, now());
      const revoked = { ...current, revokedAt: now().toISOString() };
      await authCache.write(async (q) => {
        await q.tokens.update(tokenId, { revokedAt: revoked.revokedAt });
        await events.record(q, { type: 'token.revoked', directoryId: current.directoryId, resourceId: tokenId, data: tokenData(revoked), at: revoked.revokedAt });
        await audit.record(q, actor, { action: 'token.revoke', targetType: 'Token', targetId: tokenId, directoryId: current.directoryId, before: toTokenView(current, now()), after: toTokenView(revoked, now()) }, revoked.revokedAt);
      });
      return toTokenView(revoked, now());
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
