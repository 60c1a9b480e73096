import { randomUUID } from 'node:crypto';
import type { CustomAttribute } from '../../scim/schemas/custom-schema.ts';
import type { AuditActor, DirectoryChanges, DirectoryRecord, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { customAttributeUses } from '../rules/check-value-source-paths.ts';
import type { AttributeMapping } from '../rules/rule-schemas.ts';
import type { EventRecorder } from '../events/record-event.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import type { AuthCache } from './auth-cache.ts';
import { checkAllowlist, checkCustomAttribute } from './directory-settings.ts';
import { IDP_NAMES, isIdpName } from './idp-names.ts';
import type { TokenService } from './create-token-service.ts';
import { mustGetDirectory } from './must-get-directory.ts';
import type { DirectoryView, IssuedToken } from './views.ts';

const NAME_MAX = 200;

export interface DirectoryServiceDeps {
  readonly store: Store;
  readonly events: EventRecorder;
  readonly authCache: AuthCache;
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly now?: () => Date;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > NAME_MAX) {
    throw new DomainError('directory.invalid', `name must be a non-empty string of at most ${NAME_MAX} characters`);
  }
  return name.trim();
}

function checkIdp(idp: unknown): string {
  if (typeof idp !== 'string' || !isIdpName(idp)) throw new DomainError('directory.invalid', `idp must be one of ${IDP_NAMES.join(', ')}`);
  return idp;
}

/** Directories: one per IdP connection, with its settings and custom attributes. */
export function createDirectoryService(deps: DirectoryServiceDeps) {
  const { store, events, authCache, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const write = authCache.write;

  /** The audit action of a settings change: pausing and resuming read as such. */
  function changeAction(changes: DirectoryChanges): string {
    if (Object.keys(changes).length === 1 && changes.status !== undefined) return changes.status === 'paused' ? 'directory.pause' : 'directory.resume';
    return 'directory.update';
  }

  /** Applies changes to a directory and records `directory.updated` with what changed, and the audit entry. */
  async function change(current: DirectoryRecord, changes: DirectoryChanges, actor: AuditActor): Promise<DirectoryRecord> {
    const at = now().toISOString();
    const next: DirectoryRecord = { ...current, ...changes, updatedAt: at };
    const changed = Object.keys(changes).filter((k) => JSON.stringify(changes[k as keyof DirectoryChanges]) !== JSON.stringify(current[k as keyof DirectoryRecord]));
    await write(async (q) => {
      await q.directories.update(current.id, { ...changes, updatedAt: at });
      await audit.record(q, actor, { action: changeAction(changes), targetType: 'Directory', targetId: current.id, directoryId: current.id, before: current, after: next }, at);
      if (changed.length === 0) return;
      await events.record(q, {
        type: 'directory.updated',
        directoryId: current.id,
        resourceId: current.id,
        data: { id: next.id, name: next.name, idp: next.idp, status: next.status, passwordMode: next.passwordMode, ipAllowlist: next.ipAllowlist },
        changed,
        at,
      });
    });
    return next;
  }

  return {
    async create(input: { name: unknown; idp?: unknown }, actor: AuditActor = SYSTEM_ACTOR): Promise<{ directory: DirectoryView; token: IssuedToken }> {
      const name = checkName(input.name);
      const idp = checkIdp(input.idp ?? 'generic');
      const at = now().toISOString();
      const directory: DirectoryRecord = { id: randomUUID(), name, idp, status: 'active', createdAt: at, updatedAt: at, passwordMode: 'ignore', ipAllowlist: null, customAttributes: [] };
      const token = await write(async (q) => {
        await q.directories.insert(directory);
        await events.record(q, { type: 'directory.created', directoryId: directory.id, resourceId: directory.id, data: { id: directory.id, name, idp }, at });
        const issued = await deps.tokens.issue(q, directory.id, { label: 'initial', expiresAt: null });
        await audit.record(q, actor, { action: 'directory.create', targetType: 'Directory', targetId: directory.id, directoryId: directory.id, before: null, after: { ...directory, initialToken: issued.view } }, at);
        return issued;
      });
      return { directory, token };
    },

    list: (): Promise<DirectoryView[]> => store.read((q) => q.directories.list()),

    async get(id: string): Promise<DirectoryView & { users: number; groups: number }> {
      const found = await mustGetDirectory(store, id);
      return { ...found, ...(await store.read((q) => q.directories.counts(id))) };
    },

    async update(id: string, input: { name?: unknown; idp?: unknown; status?: unknown; passwordMode?: unknown; ipAllowlist?: unknown }, actor: AuditActor = SYSTEM_ACTOR): Promise<DirectoryView> {
      const current = await mustGetDirectory(store, id);
      const changes: { -readonly [K in keyof DirectoryChanges]: DirectoryChanges[K] } = {};
      if (input.name !== undefined) changes.name = checkName(input.name);
      if (input.idp !== undefined) changes.idp = checkIdp(input.idp);
      if (input.passwordMode !== undefined) {
        if (input.passwordMode !== 'ignore' && input.passwordMode !== 'store') throw new DomainError('directory.invalid', 'passwordMode must be ignore or store');
        changes.passwordMode = input.passwordMode;
      }
      if (input.ipAllowlist !== undefined) changes.ipAllowlist = checkAllowlist(input.ipAllowlist);
      if (input.status !== undefined) {
        if (input.status !== 'active' && input.status !== 'paused') throw new DomainError('directory.invalid', 'status must be active or paused');
        changes.status = input.status;
      }
      return change(current, changes, actor);
    },

    /** Deletes the directory's users, groups and memberships; its IdP then gets 404 on every call. */
    async remove(id: string, actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
      const current = await mustGetDirectory(store, id);
      const at = now().toISOString();
      await write(async (q) => {
        await q.directories.purgeData(id);
        await q.directories.update(id, { status: 'deleted', updatedAt: at });
        await events.record(q, { type: 'directory.deleted', directoryId: id, resourceId: id, data: { id, name: current.name }, at });
        await audit.record(q, actor, { action: 'directory.delete', targetType: 'Directory', targetId: id, directoryId: id, before: current, after: null }, at);
      });
    },

    /** Declares a custom attribute; it appears in the directory's /Schemas at once. */
    async addAttribute(id: string, input: Record<string, unknown>, actor: AuditActor = SYSTEM_ACTOR): Promise<CustomAttribute> {
      const current = await mustGetDirectory(store, id);
      const attribute = checkCustomAttribute(input, current.customAttributes);
      const at = now().toISOString();
      await write(async (q) => {
        await q.directories.update(id, { customAttributes: [...current.customAttributes, attribute], updatedAt: at });
        await events.record(q, { type: 'directory.attribute_added', directoryId: id, resourceId: id, data: { id, attribute: { ...attribute } }, at });
        await audit.record(q, actor, { action: 'directory.attribute_add', targetType: 'Directory', targetId: id, directoryId: id, before: null, after: attribute }, at);
      });
      return attribute;
    },

    /**
     * Removes a declaration. Values already stored stay in the resources (an IdP reads back what it
     * wrote). Refused while the directory's attribute mapping reads the attribute: the rules would
     * read null for every user from then on, and at the next sync the mapped account fields would be
     * emptied without anyone having asked for it (docs/architecture.md).
     */
    async removeAttribute(id: string, name: string, actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
      await mustGetDirectory(store, id);
      const at = now().toISOString();
      await write(async (q) => {
        // Locked and read in the transaction: a rules save that starts to read the attribute waits, then sees it gone.
        const current = await q.directories.lock(id);
        if (!current || current.status === 'deleted') throw new DomainError('directory.not_found', `no directory ${id}`);
        const kept = current.customAttributes.filter((a) => a.name.toLowerCase() !== name.toLowerCase());
        const removed = current.customAttributes.find((a) => a.name.toLowerCase() === name.toLowerCase());
        if (!removed) throw new DomainError('directory.not_found', `the directory has no attribute "${name}"`);
        const saved = await q.org.getRules(id);
        // Saved rules were checked against the schema when saved; the defaults never read a custom attribute.
        const uses = saved ? customAttributeUses((JSON.parse(saved.json) as { attributes: AttributeMapping }).attributes, removed.name) : [];
        if (uses.length > 0) {
          throw new DomainError('directory.attribute_in_use', `the directory's rules read the custom attribute "${removed.name}" (${uses.join(', ')}); change those rules first`);
        }
        await q.directories.update(id, { customAttributes: kept, updatedAt: at });
        await events.record(q, { type: 'directory.attribute_removed', directoryId: id, resourceId: id, data: { id, name }, at });
        await audit.record(q, actor, { action: 'directory.attribute_remove', targetType: 'Directory', targetId: id, directoryId: id, before: removed, after: null }, at);
      });
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
