import { z } from 'zod';
import { checkRuleRegex } from './check-rule-regex.ts';

/**
 * The JSON an admin saves as a directory's rules (docs/rules.md): attribute mapping, user sync
 * settings, group mapping. Every object is strict, so a misspelt key is refused rather than ignored.
 * Regexes are compiled here, once, so compileRules never meets a bad one.
 */

export const MAX_SOURCE_DEPTH = 8;
export const MAX_SOURCE_ITEMS = 10;
export const MAX_RULE_STRING_CHARS = 500;
export const MAX_CUSTOM_ACCOUNT_ATTRIBUTES = 50;
export const MAX_MANUAL_GROUP_ROWS = 1_000;
export const MAX_ORG_GROUPS_PER_ROW = 20;
export const MAX_GROUP_FILTERS = 50;
export const MAX_GROUP_NAME_CHARS = 256;

/** Where an account field's value comes from; evaluated by evaluate-value-source.ts. */
export type ValueSource =
  | { path: string }
  | { const: string }
  | { firstOf: ValueSource[] }
  | { concat: ValueSource[]; separator?: string }
  | { lower: ValueSource }
  | { upper: ValueSource }
  | { replace: ValueSource; pattern: string; with: string; flags?: string };

export const VALUE_SOURCE_OPERATORS = ['path', 'const', 'firstOf', 'concat', 'lower', 'upper', 'replace'] as const;

const ruleString = z.string().max(MAX_RULE_STRING_CHARS, `must be at most ${MAX_RULE_STRING_CHARS} characters`);

const regexPattern = z.string().superRefine((pattern, ctx) => {
  const problem = checkRuleRegex(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const sourceList = () =>
  z
    .array(valueSourceSchema)
    .min(1, 'must list at least one value source')
    .max(MAX_SOURCE_ITEMS, `may list at most ${MAX_SOURCE_ITEMS} value sources`);

/** One strict schema per operator: the key present decides which one applies, so errors name it. */
const OPERATOR_SCHEMAS: Record<(typeof VALUE_SOURCE_OPERATORS)[number], () => z.ZodType> = {
  path: () => z.strictObject({ path: ruleString.min(1, 'must not be empty') }),
  const: () => z.strictObject({ const: ruleString }),
  firstOf: () => z.strictObject({ firstOf: sourceList() }),
  concat: () => z.strictObject({ concat: sourceList(), separator: ruleString.optional() }),
  lower: () => z.strictObject({ lower: valueSourceSchema }),
  upper: () => z.strictObject({ upper: valueSourceSchema }),
  replace: () =>
    z
      .strictObject({
        replace: valueSourceSchema,
        pattern: z.string(),
        with: ruleString,
        flags: z.string().optional(),
      })
      .superRefine((value, ctx) => {
        const problem = checkRuleRegex(value.pattern, value.flags);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [problem.startsWith('flags') ? 'flags' : 'pattern'] });
      }),
};

const operatorSchemas = new Map<string, z.ZodType>();
function operatorSchema(op: (typeof VALUE_SOURCE_OPERATORS)[number]): z.ZodType {
  let schema = operatorSchemas.get(op);
  if (!schema) operatorSchemas.set(op, (schema = OPERATOR_SCHEMAS[op]()));
  return schema;
}

/**
 * How many value sources deep `value` nests, stopping once past the limit. Checked before the
 * recursive schema runs, so a body nested thousands deep is refused without deep recursion.
 */
function exceedsDepth(value: unknown, depth: number, raw: number): boolean {
  if (depth > MAX_SOURCE_DEPTH || raw > 2 * MAX_SOURCE_DEPTH + 1) return true;
  if (Array.isArray(value)) return value.some((item) => exceedsDepth(item, depth, raw + 1));
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).some((child) => typeof child === 'object' && child !== null && exceedsDepth(child, depth + 1, raw + 1));
  }
  return false;
}

export const valueSourceSchema: z.ZodType<ValueSource> = z.custom<ValueSource>().superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: `must be a value source object with one of ${VALUE_SOURCE_OPERATORS.join(', ')}` });
    return;
  }
  const ops = VALUE_SOURCE_OPERATORS.filter((op) => op in value);
  if (ops.length !== 1) {
    const found = ops.length === 0 ? `found ${Object.keys(value).map((k) => `"${k}"`).join(', ') || 'an empty object'}` : `found ${ops.join(' and ')}`;
    ctx.addIssue({ code: 'custom', message: `must have exactly one of ${VALUE_SOURCE_OPERATORS.join(', ')}; ${found}` });
    return;
  }
  if (exceedsDepth(value, 1, 1)) {
    ctx.addIssue({ code: 'custom', message: `nests value sources deeper than ${MAX_SOURCE_DEPTH} levels` });
    return;
  }
  const result = operatorSchema(ops[0]).safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
});

export const ACCOUNT_FIELDS = ['userName', 'email', 'displayName', 'givenName', 'familyName', 'title', 'department', 'manager', 'locale', 'timezone'] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number];

const CUSTOM_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;

export const attributeMappingSchema = z.strictObject({
  fields: z.strictObject(Object.fromEntries(ACCOUNT_FIELDS.map((f) => [f, valueSourceSchema.optional()])) as Record<AccountField, z.ZodOptional<z.ZodType<ValueSource>>>),
  custom: z
    .record(z.string().regex(CUSTOM_NAME, 'a custom attribute name starts with a letter and holds letters, digits and "_" (at most 64)'), valueSourceSchema)
    .superRefine((custom, ctx) => {
      const names = Object.keys(custom);
      if (names.length > MAX_CUSTOM_ACCOUNT_ATTRIBUTES) {
        ctx.addIssue({ code: 'custom', message: `may define at most ${MAX_CUSTOM_ACCOUNT_ATTRIBUTES} custom attributes; found ${names.length}` });
      }
      const seen = new Map<string, string>();
      for (const name of names) {
        const other = seen.get(name.toLowerCase());
        if (other !== undefined) ctx.addIssue({ code: 'custom', message: `custom attributes "${other}" and "${name}" differ only in case`, path: [name] });
        else seen.set(name.toLowerCase(), name);
      }
    }),
});
export type AttributeMapping = z.infer<typeof attributeMappingSchema>;

export const syncSettingsSchema = z.strictObject({
  allowCreate: z.boolean(),
  allowUpdate: z.boolean(),
  allowDeactivate: z.boolean(),
  onDelete: z.enum(['deactivate', 'delete']),
  autoReactivate: z.boolean(),
  outsideDomains: z.enum(['external', 'refuse']),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

const groupName = z
  .string()
  .max(MAX_GROUP_NAME_CHARS, `a group name is at most ${MAX_GROUP_NAME_CHARS} characters`)
  .refine((s) => s.trim() !== '', 'a group name must not be blank');
const regexList = z.array(regexPattern).max(MAX_GROUP_FILTERS, `may list at most ${MAX_GROUP_FILTERS} patterns`);

export const groupMappingSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('off'), keepExisting: z.boolean() }),
  z.strictObject({
    mode: z.literal('on_the_fly'),
    include: regexList,
    exclude: regexList,
    rename: z.strictObject({ pattern: regexPattern, with: ruleString }).optional(),
    keepExisting: z.boolean(),
  }),
  z.strictObject({
    mode: z.literal('manual'),
    map: z
      .array(
        z.strictObject({
          idpGroup: groupName,
          orgGroups: z.array(groupName).min(1, 'must name at least one org group').max(MAX_ORG_GROUPS_PER_ROW, `may name at most ${MAX_ORG_GROUPS_PER_ROW} org groups`),
        }),
      )
      .max(MAX_MANUAL_GROUP_ROWS, `may hold at most ${MAX_MANUAL_GROUP_ROWS} rows`)
      .superRefine((rows, ctx) => {
        // IdP group names match case-insensitively (RFC 7643 §4.2: displayName is not caseExact), so two rows could never both apply.
        const seen = new Map<string, number>();
        rows.forEach((row, index) => {
          const first = seen.get(row.idpGroup.toLowerCase());
          if (first !== undefined) ctx.addIssue({ code: 'custom', message: `IdP group "${row.idpGroup}" is already mapped in row ${first}; list all its org groups in one row`, path: [index, 'idpGroup'] });
          else seen.set(row.idpGroup.toLowerCase(), index);
        });
      }),
    unmapped: z.enum(['ignore', 'import']),
    keepExisting: z.boolean(),
  }),
]);
export type GroupMapping = z.infer<typeof groupMappingSchema>;

export const directoryRulesSchema = z.strictObject({
  attributes: attributeMappingSchema,
  sync: syncSettingsSchema,
  groups: groupMappingSchema,
});
export type DirectoryRules = z.infer<typeof directoryRulesSchema>;

/** A partial update: each key present replaces that whole key of the saved rules. */
export const directoryRulesPatchSchema = directoryRulesSchema
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one of attributes, sync, groups');
export type DirectoryRulesPatch = z.infer<typeof directoryRulesPatchSchema>;

/** One line per problem, `where: what` (`attributes.fields.email.firstOf[1].path: must not be empty`). */
export function describeRulesIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');
    const message = issue.code === 'invalid_key' && issue.issues[0] ? issue.issues[0].message : issue.message;
    return where === '' ? message : `${where}: ${message}`;
  });
}
