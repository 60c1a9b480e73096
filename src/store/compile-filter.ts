import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../scim/filter/filter-ast.ts';
import { compareScimValues, isPresent } from '../scim/filter/match-filter.ts';
import {
  coerceFilterValue, isSubstringOp, resolveAttrPath, resolveElementPath, withImpliedValue, type ResolvedAttrPath,
} from '../scim/filter/resolve-path.ts';
import type { AttributeDef } from '../scim/schemas/attribute-def.ts';
import { findSubAttribute, type ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import { scimErrors } from '../scim/scim-error.ts';
import type { Database } from './database.ts';

/**
 * Compiles a SCIM filter AST (RFC 7644 §3.4.2.2) to one SQL boolean expression over `users` or
 * `groups`, so lists are filtered by the database, on indexed columns where one exists, and never in
 * memory. Written by hand because no library maps SCIM semantics (caseExact, multi-valued "any element
 * matches", `ne` on a missing value, Entra's quoted booleans) onto our tables and both engines.
 *
 * Invariants: values are always bound parameters; column names and JSON keys come only from the
 * schema's canonical names and the constant maps below, never from the request; every compiled
 * predicate is TRUE or FALSE, never NULL, so `not (...)` keeps SCIM's two-valued meaning.
 */

/** How a JSON value is read: `boolean` yields integer 1/0 (or NULL), the representation of `users.active`. */
export type JsonScalarKind = 'text' | 'number' | 'boolean';

/** An element of a JSON array being iterated in a subquery; its shape belongs to the hooks. */
export interface JsonElement { readonly alias: string }

/**
 * Everything engine-specific about reading JSON text columns. The compiler writes standard SQL
 * (`lower()`, `like ... escape '\'`, `exists`, `case`) and asks these hooks for the rest.
 */
export interface SqlJsonHooks {
  /** The scalar at `keys` inside the JSON text `source`; NULL when absent or JSON null. */
  jsonScalar(source: Expression<unknown>, keys: readonly string[], kind: JsonScalarKind): Expression<unknown>;
  /** EXISTS an element of the JSON array at `keys` satisfying `predicate`; no rows when absent or not an array. */
  jsonArrayExists(source: Expression<unknown>, keys: readonly string[], predicate: (el: JsonElement) => Expression<SqlBool>): Expression<SqlBool>;
  /** Scalar subquery: `value` of the first array element by `orderBy` (if given), then array position. */
  jsonArrayPick(
    source: Expression<unknown>, keys: readonly string[], value: (el: JsonElement) => Expression<unknown>,
    orderBy?: (el: JsonElement) => Expression<unknown>,
  ): Expression<unknown>;
  /** Member `key` of an element (the element itself when undefined), read like `jsonScalar`; NULL for non-objects. */
  elementScalar(el: JsonElement, key: string | undefined, kind: JsonScalarKind): Expression<unknown>;
  /** Lowercases text the way the filter value is lowercased in JS (`String.prototype.toLowerCase`). */
  lower(expr: Expression<unknown>): Expression<unknown>;
  /** Case-sensitive `co`/`sw`/`ew` for caseExact attributes (SQLite's LIKE ignores ASCII case). */
  caseExactMatch(expr: Expression<unknown>, op: 'co' | 'sw' | 'ew', value: string): Expression<SqlBool>;
}


type Table = 'users' | 'groups';

/**
 * A value to compare: a SQL expression, or a constant known without reading the row. `lowered`: the
 * column holds the value lowercased (compared without `lower()`, so its index is used). `computed`
 * (JSON, subquery): guarded with coalesce() rather than repeated in `is not null`. `exact`: compared
 * case-sensitively whatever the schema says (member ids are resource ids, caseExact per RFC 7643 §3.1).
 */
type Operand =
  | { readonly expr: Expression<unknown>; readonly nullable: boolean; readonly lowered?: boolean; readonly version?: boolean; readonly computed?: boolean; readonly exact?: boolean }
  | { readonly constant: unknown };

interface ColumnSpec { readonly column: string; readonly nullable?: boolean; readonly lowered?: boolean; readonly version?: boolean }

const META_COLUMNS: Readonly<Record<string, ColumnSpec>> = {
  'meta.created': { column: 'created_at' },
  'meta.lastModified': { column: 'updated_at' },
  'meta.version': { column: 'version', version: true },
};

/** Attributes held in their own (indexed) columns; every other attribute is read from the JSON `resource`. */
const COLUMNS: Readonly<Record<Table, Readonly<Record<string, ColumnSpec>>>> = {
  users: {
    id: { column: 'id' },
    userName: { column: 'user_name_lower', lowered: true },
    externalId: { column: 'external_id', nullable: true },
    displayName: { column: 'display_name', nullable: true },
    active: { column: 'active', nullable: true },
    ...META_COLUMNS,
  },
  groups: {
    id: { column: 'id' },
    displayName: { column: 'display_name_lower', lowered: true },
    externalId: { column: 'external_id', nullable: true },
    ...META_COLUMNS,
  },
};

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;
const SQL_OPS: Readonly<Record<Exclude<CompareOp, 'co' | 'sw' | 'ew'>, string>> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
const eb = expressionBuilder<Database, never>();

/** A collection a multi-valued attribute lives in, and how its elements' sub-attributes are read. */
interface Collection {
  exists(predicate: (read: (key: string | undefined, def: AttributeDef) => Operand) => Expression<SqlBool>): Expression<SqlBool>;
}

class FilterCompiler {
  private readonly table: Table;

  constructor(private readonly type: ResourceTypeDef, private readonly hooks: SqlJsonHooks, table?: Table) {
    this.table = type.name === 'User' ? 'users' : 'groups';
    if (table !== undefined && table !== this.table) throw new Error(`A ${type.name} filter compiles against '${this.table}', not '${table}'`);
  }

  compile(node: FilterNode): Expression<SqlBool> {
    switch (node.kind) {
      case 'logical': {
        // Flatten `a and b and c` (left-deep in the AST) into one list, joined as Kysely's recipe does.
        const parts: Expression<SqlBool>[] = [];
        const collect = (n: FilterNode): void => {
          if (n.kind === 'logical' && n.op === node.op) { collect(n.left); collect(n.right); } else parts.push(this.compile(n));
        };
        collect(node);
        return node.op === 'and' ? eb.and(parts) : eb.or(parts);
      }
      case 'not':
        return sql<SqlBool>`not (${this.compile(node.filter)})`;
      case 'valuePath': {
        const resolved = resolveAttrPath(this.type, node.path, 'filter');
        if (!resolved.def.multiValued || resolved.sub) {
          throw scimErrors.invalidFilter(`A value filter needs a multi-valued attribute; '${resolved.def.name}' is not one`);
        }
        return this.collection(resolved).exists((read) => this.compileElement(node.filter, resolved.def, read));
      }
      case 'present':
      case 'compare': {
        const resolved = node.kind === 'compare' ? withImpliedValue(resolveAttrPath(this.type, node.path, 'filter'), 'filter') : resolveAttrPath(this.type, node.path, 'filter');
        const def = resolved.sub ?? resolved.def;
        const test = (operand: Operand) => (node.kind === 'compare' ? this.compare(operand, def, node.op, node.value, nameOf(resolved)) : this.present(operand, def));
        if (!resolved.def.multiValued) return test(this.scalar(resolved));
        if (node.kind === 'present' && !resolved.sub && this.table === 'groups' && resolved.def.name === 'members') {
          return sql<SqlBool>`${sql.ref('groups.member_count')} > 0`;
        }
        const key = resolved.sub?.name;
        return this.collection(resolved).exists((read) => (node.kind === 'present' && !resolved.sub ? TRUE : test(read(key, def))));
      }
    }
  }

  /** A value filter's body, evaluated against one element (RFC 7644 §3.4.2.2 valuePath). */
  private compileElement(node: FilterNode, parent: AttributeDef, read: (key: string | undefined, def: AttributeDef) => Operand): Expression<SqlBool> {
    switch (node.kind) {
      case 'logical': {
        const parts = [this.compileElement(node.left, parent, read), this.compileElement(node.right, parent, read)];
        return node.op === 'and' ? eb.and(parts) : eb.or(parts);
      }
      case 'not':
        return sql<SqlBool>`not (${this.compileElement(node.filter, parent, read)})`;
      case 'valuePath':
        throw scimErrors.invalidFilter(`Nested value filter '${node.path.attr}[...]' inside the value filter of '${parent.name}'`);
      default: {
        const { def, key } = resolveElementPath(parent, node.path, 'filter');
        const operand = read(key, def);
        return node.kind === 'present' ? this.present(operand, def) : this.compare(operand, def, node.op, node.value, `${parent.name}.${key ?? 'value'}`);
      }
    }
  }

  /** A single-valued attribute: its own column, a constant, or a JSON path into `resource`. */
  scalar(resolved: ResolvedAttrPath): Operand {
    const path = nameOf(resolved);
    const spec = resolved.extension === undefined ? COLUMNS[this.table][path] : undefined;
    if (spec) return { expr: this.ref(spec.column), nullable: spec.nullable ?? false, lowered: spec.lowered, version: spec.version };
    if (path === 'meta.resourceType') return { constant: this.type.name };
    if (path === 'meta') return { constant: { resourceType: this.type.name } };
    if (path.startsWith('meta.')) throw scimErrors.invalidFilter(`Filtering on '${path}' is not supported`);
    const keys = [...(resolved.extension ? [resolved.extension] : []), resolved.canonical.attr, ...(resolved.sub ? [resolved.sub.name] : [])];
    return { expr: this.hooks.jsonScalar(this.ref('resource'), keys, kindOf(resolved.sub ?? resolved.def)), nullable: true, computed: true };
  }

  /** A multi-valued attribute: membership rows for `groups`/`members`, else the JSON array in `resource`. */
  collection(resolved: ResolvedAttrPath): Collection {
    const name = resolved.def.name;
    if (isMembership(this.type, resolved)) return this.membership(name === 'groups');
    const keys = [...(resolved.extension ? [resolved.extension] : []), name];
    return {
      exists: (predicate) =>
        this.hooks.jsonArrayExists(this.ref('resource'), keys, (el) =>
          predicate((key, def) => ({ expr: this.hooks.elementScalar(el, key, kindOf(def)), nullable: true, computed: true }))),
    };
  }

  /** group_members seen from a user (`groups`: the groups it is in) or from a group (`members`). */
  private membership(fromUser: boolean): Collection {
    const gm = (column: string) => sql.ref(`scim_gm.${column}`);
    const idColumn = fromUser ? 'member_id' : 'group_id';
    const read = (key: string | undefined, def: AttributeDef): Operand => {
      switch (key) {
        case 'value':
          return { expr: gm(fromUser ? 'group_id' : 'member_id'), nullable: false, exact: true };
        case 'display':
          return fromUser
            ? { expr: sql`(select ${sql.ref('scim_g.display_name_lower')} from ${sql.table('groups')} as scim_g where ${sql.ref('scim_g.id')} = ${gm('group_id')})`, nullable: true, lowered: true, computed: true }
            : { expr: gm('display'), nullable: true };
        case 'type':
          // Only direct memberships are stored, so a user's `groups.type` is always "direct" (RFC 7643 §4.1.2).
          return fromUser ? { constant: 'direct' } : { expr: gm('member_type'), nullable: false };
        default:
          throw scimErrors.invalidFilter(`Filtering on '${fromUser ? 'groups' : 'members'}.${def.name}' is not supported`);
      }
    };
    return {
      exists: (predicate) =>
        sql<SqlBool>`exists (select 1 from ${sql.table('group_members')} as scim_gm where ${gm(idColumn)} = ${this.ref('id')} and (${predicate(read)}))`,
    };
  }

  /** attrExp with a comparison operator, by RFC 7644 §3.4.2.2 rules for the attribute's type. */
  compare(operand: Operand, def: AttributeDef, op: CompareOp, raw: FilterValue, name: string): Expression<SqlBool> {
    const value = coerceFilterValue(def, op, raw, name);
    if ('constant' in operand) return compareScimValues(def, op, operand.constant, value) ? TRUE : FALSE;
    if (value === null) {
      const present = this.present(operand, def);
      return op === 'eq' ? sql<SqlBool>`not (${present})` : present;
    }
    if (operand.version) return this.compareVersion(operand.expr, op, value, name);
    const foldCase = typeof value === 'string' && !def.caseExact && !operand.exact && isStringType(def);
    const left = foldCase && !operand.lowered ? this.hooks.lower(operand.expr) : operand.expr;
    const param = typeof value === 'boolean' ? (value ? 1 : 0) : foldCase ? (value as string).toLowerCase() : value;
    let predicate: Expression<SqlBool>;
    if (op === 'co' || op === 'sw' || op === 'ew') {
      predicate = foldCase
        ? sql<SqlBool>`${left} like ${likePattern(op, param as string)} escape '\\'`
        : this.hooks.caseExactMatch(operand.expr, op, String(value));
    } else {
      predicate = sql<SqlBool>`${left} ${sql.raw(SQL_OPS[op])} ${param}`;
    }
    if (!operand.nullable) return predicate;
    // RFC 7644 §3.4.2.2 leaves `ne` on an absent value true; the guards keep the result out of SQL's NULL.
    // Plain columns get `is not null` (the comparison stays sargable); computed values are not repeated.
    if (operand.computed) return sql<SqlBool>`coalesce(${predicate}, ${op === 'ne' ? TRUE : FALSE})`;
    return op === 'ne'
      ? sql<SqlBool>`(${operand.expr} is null or ${predicate})`
      : sql<SqlBool>`(${operand.expr} is not null and ${predicate})`;
  }

  /** meta.version is the ETag `W/"<version>"` (RFC 7644 §3.14); both that form and the bare number are accepted. */
  private compareVersion(column: Expression<unknown>, op: CompareOp, value: FilterValue, name: string): Expression<SqlBool> {
    if (isSubstringOp(op)) throw scimErrors.invalidFilter(`Operator '${op}' is not supported on '${name}'`);
    const match = /^(?:W\/)?"?(\d+)"?$/.exec(String(value).trim());
    if (!match) {
      if (op === 'eq' || op === 'ne') return op === 'eq' ? FALSE : TRUE;
      throw scimErrors.invalidFilter(`'${String(value)}' is not a version of the form W/"<number>"`);
    }
    return sql<SqlBool>`${column} ${sql.raw(SQL_OPS[op as keyof typeof SQL_OPS])} ${Number(match[1])}`;
  }

  /** RFC 7644 §3.4.2.2 `pr`: a non-null, non-empty value (an empty string or `{}` is not present). */
  present(operand: Operand, def: AttributeDef): Expression<SqlBool> {
    if ('constant' in operand) return isPresent(operand.constant) ? TRUE : FALSE;
    if (!operand.nullable) return TRUE;
    if (kindOf(def) !== 'text') return sql<SqlBool>`${operand.expr} is not null`;
    const empties = def.type === 'complex' ? sql`('', '{}', '[]')` : sql`('')`;
    return sql<SqlBool>`coalesce(${operand.expr} not in ${empties}, ${FALSE})`;
  }

  ref(column: string) {
    return sql.ref(`${this.table}.${column}`);
  }
}

/** `groups` of a user and `members` of a group live in group_members, not in the JSON. */
function isMembership(type: ResourceTypeDef, resolved: ResolvedAttrPath): boolean {
  return resolved.extension === undefined && resolved.def.name === (type.name === 'User' ? 'groups' : 'members');
}

function kindOf(def: AttributeDef): JsonScalarKind {
  return def.type === 'boolean' ? 'boolean' : def.type === 'integer' || def.type === 'decimal' ? 'number' : 'text';
}

function isStringType(def: AttributeDef): boolean {
  return def.type === 'string' || def.type === 'reference' || def.type === 'binary';
}

function nameOf(resolved: ResolvedAttrPath): string {
  return resolved.canonical.subAttr ? `${resolved.canonical.attr}.${resolved.canonical.subAttr}` : resolved.canonical.attr;
}

/** `co`/`sw`/`ew` as a LIKE pattern; `%`, `_` and the escape character itself are escaped first. */
export function likePattern(op: 'co' | 'sw' | 'ew', value: string): string {
  const literal = value.replace(/[\\%_]/g, (c) => `\\${c}`);
  return op === 'sw' ? `${literal}%` : op === 'ew' ? `%${literal}` : `%${literal}%`;
}

export interface CompileFilterOptions {
  /** The resource type the filter's paths resolve against: User → `users`, Group → `groups`. */
  readonly type: ResourceTypeDef;
  readonly hooks: SqlJsonHooks;
  /** The table the query reads; must be the type's table (checked, to catch wiring mistakes early). */
  readonly table?: Table;
}

/**
 * The WHERE expression for a parsed filter. Throws 400 `invalidFilter` for unknown attributes and
 * meaningless comparisons. Scope the query by directory separately.
 */
export function compileFilter(filter: FilterNode, options: CompileFilterOptions): Expression<SqlBool> {
  return new FilterCompiler(options.type, options.hooks, options.table).compile(filter);
}

/**
 * The ORDER BY expression for `sortBy` (RFC 7644 §3.4.2.3). Case-insensitive attributes sort
 * lowercased; a multi-valued attribute sorts by its primary element's value, else its first. The
 * expression is NULL for resources without the attribute; the caller places NULLs (RFC 7644 §3.4.2.3).
 */
export function compileSortKey(type: ResourceTypeDef, path: AttrPath, options: Omit<CompileFilterOptions, 'type'>): Expression<unknown> {
  const { hooks } = options;
  const compiler = new FilterCompiler(type, hooks, options.table);
  const resolved = withImpliedValue(resolveAttrPath(type, path, 'sort'), 'sort');
  const def = resolved.sub ?? resolved.def;
  const fold = (expr: Expression<unknown>, lowered?: boolean) => (isStringType(def) && !def.caseExact && !lowered ? hooks.lower(expr) : expr);
  if (!resolved.def.multiValued) {
    const operand = compiler.scalar(resolved);
    return 'constant' in operand ? sql`${String(operand.constant)}` : fold(operand.expr, operand.lowered);
  }
  const name = resolved.def.name;
  if (isMembership(type, resolved)) {
    if (resolved.sub?.name !== 'value') throw scimErrors.invalidFilter(`Sorting by '${nameOf(resolved)}' is not supported`);
    const [own, other] = type.name === 'User' ? ['member_id', 'group_id'] : ['group_id', 'member_id'];
    return sql`(select ${sql.ref(`scim_gm.${other}`)} from ${sql.table('group_members')} as scim_gm where ${sql.ref(`scim_gm.${own}`)} = ${compiler.ref('id')} order by ${sql.ref('scim_gm.seq')} limit 1)`;
  }
  const primary = findSubAttribute(resolved.def, 'primary');
  const keys = [...(resolved.extension ? [resolved.extension] : []), name];
  return hooks.jsonArrayPick(
    compiler.ref('resource'), keys,
    (el) => fold(hooks.elementScalar(el, resolved.sub?.name, kindOf(def))),
    primary ? (el) => sql`(case when ${hooks.elementScalar(el, primary.name, 'boolean')} = 1 then 0 else 1 end)` : undefined,
  );
}
