import type { AuditActor, Queries, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { mustGetDirectory } from '../directories/must-get-directory.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import type { CustomAttribute } from '../../scim/schemas/custom-schema.ts';
import { checkValueSourcePaths } from '../rules/check-value-source-paths.ts';
import type { AccountStatus } from './account-status.ts';
import { defaultStoredRules, storedRulesSchema, type StoredRules } from './load-rules.ts';
import type { OrgEnv } from './org-env.ts';
import { recomputeAll, reconcileDirectory, type ReconcileProgress } from './reconcile.ts';
import type { createChangeRunner } from './run-change.ts';

export interface RulesView {
  readonly directoryId: string;
  readonly rules: StoredRules;
  /** 0 while the directory runs on its IdP's defaults. */
  readonly version: number;
}

/** A partial update replaces each top-level key it names (attributes, sync, groups, guard). */
export type RulesPatch = Partial<StoredRules>;

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * A directory's rules (attribute mapping, sync settings, group mapping, guard) and the organization's
 * domains. Saving a change reconciles the directory set-wise in the same transaction; each change can
 * be previewed first (run, summarized, rolled back).
 */
export function createRulesService(deps: { store: Store; env: OrgEnv; status: AccountStatus; audit: AuditLog; runChange: ReturnType<typeof createChangeRunner> }) {
  const { store, env, status, audit, runChange } = deps;
  const now = () => env.now().toISOString();

  async function current(q: Queries, directoryId: string): Promise<RulesView> {
    const loaded = await env.rulesOf(q, directoryId);
    return { directoryId, rules: loaded.rules, version: loaded.version };
  }

  /**
   * Checks what the schema cannot: paths that parse and name attributes the directory has (its custom
   * ones included), and no mapping into a default group.
   */
  async function check(q: Queries, rules: StoredRules, declared: readonly CustomAttribute[]): Promise<void> {
    const errors = checkValueSourcePaths(rules.attributes, declared);
    if (errors.length > 0) throw new DomainError('rules.invalid', `attributes: ${errors.join('; ')}`);
    if (rules.groups.mode === 'manual') {
      const targets = [...new Set(rules.groups.map.flatMap((m) => m.orgGroups.map((n) => n.toLowerCase())))];
      const defaults = (await q.org.groupsByName(targets)).filter((g) => g.defaultKind !== null);
      if (defaults.length > 0) {
        throw new DomainError('org_group.default_synced', `groups.map: "${defaults[0]!.name}" is a default group; a group a directory syncs cannot be a default group (its members would come and go with the IdP)`);
      }
    }
  }

  function parse(input: unknown, base: StoredRules): StoredRules {
    const patch = (input ?? {}) as Record<string, unknown>;
    const merged = { ...base, ...patch };
    const parsed = storedRulesSchema.safeParse(merged);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new DomainError('rules.invalid', `${issue.path.map(String).join('.') || 'rules'}: ${issue.message}`);
    }
    return parsed.data as StoredRules;
  }

  async function save(directoryId: string, input: unknown, actor: AuditActor, preview: boolean) {
    await mustGetDirectory(store, directoryId);
    return runChange(preview, async (tx) => {
      // Locked: removing a custom attribute checks these rules under the same lock (directory service).
      const directory = await tx.directories.lock(directoryId);
      const before = await current(tx, directoryId);
      const rules = parse(input, before.rules);
      await check(tx, rules, directory?.customAttributes ?? []);
      const at = now();
      const version = before.version + 1;
      await tx.org.putRules(directoryId, JSON.stringify(rules), version, at);
      await env.record(tx, { type: 'rules.changed', directoryId: null, resourceId: directoryId, data: { directoryId, what: 'directory_rules', version }, at });
      await audit.record(tx, actor, { action: 'rules.update', targetType: 'Directory', targetId: directoryId, directoryId, before: before.rules, after: rules }, at);
      await reconcileDirectory(env, status, tx, directoryId, at);
      return { directoryId, rules, version };
    });
  }

  async function changeDomain(domain: string, add: boolean, actor: AuditActor, preview: boolean) {
    const name = domain.trim().toLowerCase();
    if (!DOMAIN.test(name)) throw new DomainError('domain.invalid', `"${domain}" is not a domain name`);
    return runChange(preview, async (tx) => {
      const at = now();
      const changed = add ? await tx.org.addDomain(name, at) : await tx.org.removeDomain(name);
      if (!changed) return { domain: name, changed: false };
      await env.record(tx, { type: 'rules.changed', directoryId: null, resourceId: name, data: { directoryId: null, what: 'domains', version: null }, at });
      await audit.record(tx, actor, { action: add ? 'domain.add' : 'domain.remove', targetType: 'Domain', targetId: name, directoryId: null, before: add ? null : { domain: name }, after: add ? { domain: name } : null }, at);
      // External flags and email links depend on the domains: every directory is reconciled.
      for (const d of await tx.directories.list()) await reconcileDirectory(env, status, tx, d.id, at);
      return { domain: name, changed: true };
    });
  }

  return {
    get: async (directoryId: string): Promise<RulesView> => {
      await mustGetDirectory(store, directoryId);
      return store.read((q) => current(q, directoryId));
    },
    /** The IdP profile's defaults, as a starting point for an admin. */
    defaults: (idp: string): StoredRules => defaultStoredRules(idp),
    update: (directoryId: string, input: unknown, actor: AuditActor = SYSTEM_ACTOR) => save(directoryId, input, actor, false),
    preview: (directoryId: string, input: unknown) => save(directoryId, input, SYSTEM_ACTOR, true),

    listDomains: () => store.read((q) => q.org.listDomains()),
    addDomain: (domain: string, actor: AuditActor = SYSTEM_ACTOR, preview = false) => changeDomain(domain, true, actor, preview),
    removeDomain: (domain: string, actor: AuditActor = SYSTEM_ACTOR, preview = false) => changeDomain(domain, false, actor, preview),

    /**
     * Reconciles the directories that have users without accounts and have never saved rules: data
     * from before the organization layer existed (an upgrade). Returns their ids.
     */
    async reconcilePending(): Promise<string[]> {
      const done: string[] = [];
      for (const d of await store.read((q) => q.directories.list())) {
        const pending = await store.read(async (q) => (await q.org.getRules(d.id)) === undefined && (await q.org.unlinkedUsers(d.id, 0, 1)).length > 0);
        if (!pending) continue;
        await store.write((tx) => reconcileDirectory(env, status, tx, d.id, now()));
        done.push(d.id);
      }
      return done;
    },

    /**
     * Reconciles a directory (or, without one, every directory, then every account), reporting
     * progress: for directories that held users before the organization layer existed. One
     * transaction per directory, so the result is all or nothing; SCIM writes wait meanwhile.
     */
    async reconcile(directoryId: string | undefined, progress?: ReconcileProgress): Promise<{ accounts: number }> {
      const at = now();
      if (directoryId !== undefined) {
        await mustGetDirectory(store, directoryId);
        return { accounts: await store.write((tx) => reconcileDirectory(env, status, tx, directoryId, at, progress)) };
      }
      const directories = await store.read((q) => q.directories.list());
      for (const d of directories) await store.write((tx) => reconcileDirectory(env, status, tx, d.id, at, progress));
      return { accounts: await store.write((tx) => recomputeAll(env, tx, at, progress)) };
    },
  };
}

export type RulesService = ReturnType<typeof createRulesService>;
