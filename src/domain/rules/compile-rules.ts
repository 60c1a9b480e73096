import { compileGroupMapping } from './compile-group-mapping.ts';
import { compileValueSource, type ValueEvaluator } from './evaluate-value-source.ts';
import { ACCOUNT_FIELDS, type AccountField, type DirectoryRules, type SyncSettings } from './rule-schemas.ts';

/** An account's values as a directory's attribute mapping reads them from one SCIM user. */
export interface MappedAccount {
  readonly fields: Record<AccountField, string | null>;
  readonly custom: Record<string, string | null>;
}

export interface CompiledRules {
  /** Evaluates the attribute mapping against a SCIM user resource as stored (extensions under their URN key). */
  mapAccount(resource: Record<string, unknown>): MappedAccount;
  /** The org group names an IdP group maps to (empty: not mapped). */
  mapGroup(idpGroupDisplayName: string): readonly string[];
  /** Whether accounts keep org-group memberships that did not come from this directory's mapping. */
  readonly keepExisting: boolean;
  readonly sync: SyncSettings;
  /** The rules this was compiled from. */
  readonly rules: DirectoryRules;
}

/**
 * Compiles validated rules once, for the hot path of every SCIM write: paths parsed, regexes built,
 * expressions turned into closures; mapping a user or a group then allocates only its result.
 * Pure: no I/O, and the rules object is not modified.
 */
export function compileRules(rules: DirectoryRules): CompiledRules {
  const fields: [AccountField, ValueEvaluator | undefined][] = ACCOUNT_FIELDS.map((field) => {
    const source = rules.attributes.fields[field];
    return [field, source ? compileValueSource(source) : undefined];
  });
  const custom: [string, ValueEvaluator][] = Object.entries(rules.attributes.custom).map(([name, source]) => [name, compileValueSource(source)]);
  const mapGroup = compileGroupMapping(rules.groups);
  return {
    mapAccount(resource) {
      const mappedFields = {} as Record<AccountField, string | null>;
      for (const [field, evaluate] of fields) mappedFields[field] = evaluate ? evaluate(resource) : null;
      const mappedCustom: Record<string, string | null> = {};
      for (const [name, evaluate] of custom) mappedCustom[name] = evaluate(resource);
      return { fields: mappedFields, custom: mappedCustom };
    },
    mapGroup,
    keepExisting: rules.groups.keepExisting,
    sync: rules.sync,
    rules,
  };
}
