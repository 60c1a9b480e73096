import { z } from 'zod';
import type { DefaultKind, GrantRow, Queries } from '../../store/store.ts';
import { isIdpName } from '../directories/idp-names.ts';
import { compileRules, type CompiledRules } from '../rules/compile-rules.ts';
import { defaultRules } from '../rules/default-rules.ts';
import { directoryRulesSchema, type DirectoryRules } from '../rules/rule-schemas.ts';

/**
 * The mass-deprovision guard of a directory: deactivations (and deletions) of accounts beyond
 * `max(minCount, share × linked accounts)` within `windowMinutes` are held for an admin.
 */
export const guardSchema = z.strictObject({
  enabled: z.boolean(),
  share: z.number().gt(0).max(1),
  windowMinutes: z.number().int().min(1).max(10_080),
  minCount: z.number().int().min(0).max(1_000_000),
});
export type GuardSettings = z.infer<typeof guardSchema>;

/** On by default: 10 % within 15 minutes, and never fewer than 10 (a 5-person directory is not blocked by one leaver). */
export const DEFAULT_GUARD: GuardSettings = { enabled: true, share: 0.1, windowMinutes: 15, minCount: 10 };

/** What a directory's rules row holds: the rules and the guard. */
export const storedRulesSchema = directoryRulesSchema.extend({ guard: guardSchema });
export type StoredRules = DirectoryRules & { readonly guard: GuardSettings };

export interface LoadedRules {
  readonly rules: StoredRules;
  readonly compiled: CompiledRules;
  /** 0: the directory has never saved rules and runs on its IdP's defaults. */
  readonly version: number;
}

/** The rules a directory runs on before an admin saves any: its IdP profile's defaults. */
export function defaultStoredRules(idp: string): StoredRules {
  return { ...defaultRules(isIdpName(idp) ? idp : 'generic'), guard: DEFAULT_GUARD };
}

/** What the organization work of a SCIM write starts from, read in one statement (OrgQueries.writeFacts). */
export interface WriteFacts {
  readonly directoryId: string;
  readonly loaded: LoadedRules;
  readonly domains: ReadonlySet<string>;
  /** The default groups, in order. */
  readonly defaults: readonly { id: string; defaultKind: DefaultKind }[];
  /** Every grant to a default group. */
  readonly defaultGrants: readonly GrantRow[];
}

/**
 * Compiled rules per directory, kept while the stored rules are the same: every SCIM write reads
 * them (one point read, so every node sees a change at once) but compiles regexes only after a
 * change. Kept by the stored text, not the version number alone: a preview writes the next version
 * and rolls it back, so the change applied after it (on this node or another) may carry the same
 * number with other rules.
 */
export function createRulesLoader() {
  const cache = new Map<string, { json: string | undefined; loaded: LoadedRules }>();
  async function compiled(tx: Queries, directoryId: string, row: { json: string; version: number } | undefined): Promise<LoadedRules> {
    const cached = cache.get(directoryId);
    const version = row?.version ?? 0;
    if (cached && cached.json === row?.json) {
      // The same rules saved again carry a new version: the next save counts from it.
      if (cached.loaded.version !== version) cached.loaded = { ...cached.loaded, version };
      return cached.loaded;
    }
    let rules: StoredRules;
    if (row) rules = storedRulesSchema.parse(JSON.parse(row.json)) as StoredRules;
    else rules = defaultStoredRules((await tx.directories.get(directoryId))?.idp ?? 'generic');
    const loaded = { rules, compiled: compileRules(rules), version };
    cache.set(directoryId, { json: row?.json, loaded });
    return loaded;
  }
  return {
    rulesOf: async (tx: Queries, directoryId: string): Promise<LoadedRules> => compiled(tx, directoryId, await tx.org.getRules(directoryId)),
    /** The rules with the rest of a write's facts, in the same one statement. */
    async factsOf(tx: Queries, directoryId: string): Promise<WriteFacts> {
      const rows = await tx.org.writeFacts(directoryId);
      return { directoryId, loaded: await compiled(tx, directoryId, rows.rules), domains: new Set(rows.domains), defaults: rows.defaultGroups, defaultGrants: rows.defaultGrants };
    },
  };
}
