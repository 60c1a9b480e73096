/**
 * Attribute projection: RFC 7643 §2.2 `returned` and RFC 7644 §3.4.2.5 / §3.9 `attributes` and
 * `excludedAttributes`. The lists are resolved against the resource type once, when the projection is
 * built, so a bad name is a 400 before any query runs and `includes()` can tell the caller which
 * expensive parts (group members, a user's groups) it may skip loading at all.
 */
import type { FilterNode } from './filter/filter-ast.ts';
import { matchesFilter } from './filter/match-filter.ts';
import { parsePatchPath } from './filter/parse-filter.ts';
import type { AttributeDef } from './schemas/attribute-def.ts';
import { commonAttributes } from './schemas/common-attributes.ts';
import { findAttribute, findSubAttribute, type ResourceTypeDef } from './schemas/resource-types.ts';
import { ScimError, scimErrors } from './scim-error.ts';

export interface Projection {
  /** Returns a new object holding only what the response may show; the input is not modified. */
  apply(resource: Record<string, unknown>): Record<string, unknown>;
  /**
   * Whether any part of `attr` (`members`, `name.givenName`, `urn:…:User:manager`, or an extension URN)
   * would appear in the output. Unknown names answer false.
   */
  includes(attr: string): boolean;
}

export interface ProjectionParams {
  readonly attributes?: string;
  readonly excludedAttributes?: string;
}

/** What a list names: a whole schema (`urn:…:enterprise:2.0:User`) or one attribute, maybe one sub-attribute. */
type ResolvedName =
  | { readonly kind: 'schema'; readonly schemaId: string }
  | { readonly kind: 'attr'; readonly extension: string | undefined; readonly def: AttributeDef; readonly sub?: AttributeDef; readonly filter?: FilterNode };

/** Named sub-attributes of one top-level attribute, or the whole attribute. */
interface Rule {
  all: boolean;
  readonly subs: Set<string>;
  /** Value filters (`emails[type eq "work"]`) selecting elements; undefined once the attribute is named without one. */
  filters: FilterNode[] | undefined;
}

interface NameSet {
  readonly schemas: Set<string>;
  readonly attrs: Map<string, Rule>;
}

/** How much of one complex attribute's value is shown. */
type Pick =
  | { readonly show: false }
  | { readonly show: true; readonly only?: ReadonlySet<string>; readonly except?: ReadonlySet<string>; readonly elements?: readonly FilterNode[] };

const HIDDEN: Pick = { show: false };
const WHOLE: Pick = { show: true };

interface Decided {
  readonly def: AttributeDef;
  readonly pick: Pick;
}

/** Built projections by resource type and lists; most requests name none, and IdPs repeat theirs. */
const built = new WeakMap<ResourceTypeDef, Map<string, Projection>>();
const MAX_CACHED_PER_TYPE = 256;

/**
 * The projection for these lists, built once per resource type and lists: resolving the lists and
 * deciding every attribute was a noticeable share of a point read. Projections hold no state.
 */
export function createProjection(type: ResourceTypeDef, params: ProjectionParams): Projection {
  const key = `${params.attributes ?? ''}\u0000${params.excludedAttributes ?? ''}`;
  let forType = built.get(type);
  if (!forType) built.set(type, (forType = new Map()));
  let projection = forType.get(key);
  if (!projection) {
    projection = buildProjection(type, params);
    if (forType.size >= MAX_CACHED_PER_TYPE) forType.clear();
    forType.set(key, projection);
  }
  return projection;
}

function buildProjection(type: ResourceTypeDef, params: ProjectionParams): Projection {
  const included = params.attributes?.trim() ? collectNames(type, params.attributes, true) : undefined;
  const excluded = params.excludedAttributes?.trim() ? collectNames(type, params.excludedAttributes, false) : undefined;
  const coreId = type.schema.id.toLowerCase();

  /**
   * The decision for one top-level attribute. RFC 7643 §2.2: `never` is never shown, `always` always
   * (RFC 7644 §3.4.2.5: excludedAttributes "SHALL have no effect" on it), `request` only when named
   * in `attributes`, `default` unless left out of `attributes` or named in `excludedAttributes`.
   */
  function pickFor(extension: string | undefined, def: AttributeDef): Pick {
    if (def.returned === 'never') return HIDDEN;
    if (def.returned === 'always') return WHOLE;
    const k = key(extension, def.name);
    const schemaId = extension?.toLowerCase() ?? coreId;
    let only: Set<string> | undefined;
    let elements: FilterNode[] | undefined;
    if (included) {
      const rule = included.attrs.get(k);
      const wholeSchema = def.returned === 'default' && included.schemas.has(schemaId);
      if (!rule && !wholeSchema) return HIDDEN;
      if (rule && !rule.all && !wholeSchema) only = rule.subs;
      if (rule && !wholeSchema) elements = rule.filters;
    } else if (def.returned === 'request') {
      return HIDDEN;
    }
    let except: Set<string> | undefined;
    if (excluded) {
      const rule = excluded.attrs.get(k);
      if (excluded.schemas.has(schemaId) || rule?.all) return HIDDEN;
      if (rule) except = rule.subs;
    }
    return { show: true, only, except, elements };
  }

  // Decided once per attribute, so apply() over a page of resources is one map lookup per key.
  const corePicks = pickTable(undefined, [...commonAttributes, ...type.schema.attributes]);
  const extensionPicks = new Map(
    type.extensions.map((e) => [e.schema.id.toLowerCase(), pickTable(e.schema.id, e.schema.attributes)] as const),
  );

  function pickTable(extension: string | undefined, defs: readonly AttributeDef[]): Map<string, Decided> {
    return new Map(defs.map((def) => [def.name.toLowerCase(), { def, pick: pickFor(extension, def) }] as const));
  }

  function apply(resource: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(resource)) {
      const lower = name.toLowerCase();
      // `schemas` is outside every schema's attribute list and always returned (RFC 7643 §3).
      if (lower === 'schemas') {
        out[name] = value;
        continue;
      }
      const extension = extensionPicks.get(lower);
      const projected = extension ? projectExtension(extension, value) : projectEntry(corePicks.get(lower), value);
      if (projected !== undefined) out[name] = projected;
    }
    return out;
  }

  function projectExtension(picks: Map<string, Decided>, value: unknown): unknown {
    if (!isObject(value)) return unknownValue(value);
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
      const projected = projectEntry(picks.get(name.toLowerCase()), inner);
      if (projected !== undefined) out[name] = projected;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  function projectEntry(decided: Decided | undefined, value: unknown): unknown {
    return decided ? projectAttribute(decided.pick, decided.def, value) : unknownValue(value);
  }

  /**
   * Keys the schema does not know are shown as stored unless the client asked for a fixed list: the
   * SCIM layer keeps what the IdP wrote (DESIGN §1), and `attributes` means "only these".
   */
  function unknownValue(value: unknown): unknown {
    return included ? undefined : value;
  }

  const answers = new Map<string, boolean>();
  function includes(text: string): boolean {
    let answer = answers.get(text);
    if (answer === undefined) {
      answer = decideIncludes(text);
      if (answers.size < 64) answers.set(text, answer);
    }
    return answer;
  }

  function decideIncludes(text: string): boolean {
    let name: ResolvedName;
    try {
      name = resolveName(type, text);
    } catch {
      return false;
    }
    if (name.kind === 'schema') {
      const lower = name.schemaId.toLowerCase();
      if (lower === coreId) return type.schema.attributes.some((d) => pickFor(undefined, d).show);
      const ext = type.extensions.find((e) => e.schema.id.toLowerCase() === lower);
      return ext !== undefined && ext.schema.attributes.some((d) => pickFor(ext.schema.id, d).show);
    }
    const pick = pickFor(name.extension, name.def);
    if (!pick.show) return false;
    if (name.sub) return subShown(pick, name.sub);
    // A complex attribute narrowed to sub-attributes the schema marks `never` would render empty.
    return !name.def.subAttributes || name.def.subAttributes.some((s) => subShown(pick, s));
  }

  return { apply, includes };
}

/** RFC 7643 §2.2 applied to one sub-attribute of a shown complex attribute. */
function subShown(pick: Pick, sub: AttributeDef): boolean {
  if (!pick.show || sub.returned === 'never') return false;
  if (sub.returned === 'always') return true;
  const lower = sub.name.toLowerCase();
  if (pick.only) return pick.only.has(lower);
  if (sub.returned === 'request') return false;
  return !pick.except?.has(lower);
}

function projectAttribute(pick: Pick, def: AttributeDef, value: unknown): unknown {
  if (!pick.show) return undefined;
  if (pick.elements && Array.isArray(value)) {
    // `attributes=emails[type eq "work"]`: only the elements a value filter selects, as Entra's
    // reference server answers; none selected leaves the attribute out (RFC 7643 §2.5).
    const filters = pick.elements;
    const selected = value.filter((e) => isObject(e) && filters.some((f) => matchesFilter(e, f, def)));
    if (selected.length === 0) return undefined;
    return projectAttribute({ ...pick, elements: undefined }, def, selected);
  }
  if (!def.subAttributes) return value;
  const narrowed = pick.only !== undefined || pick.except !== undefined;
  const hasHiddenSubs = def.subAttributes.some((s) => s.returned === 'never' || s.returned === 'request');
  if (!narrowed && !hasHiddenSubs) return value;
  if (Array.isArray(value)) {
    // RFC 7644 §3.4.2.5: `emails.value` selects that sub-attribute in every element.
    const elements = value.map((e) => projectComplex(pick, def, e, narrowed)).filter((e) => e !== undefined);
    return narrowed && elements.length === 0 ? undefined : elements;
  }
  return projectComplex(pick, def, value, narrowed);
}

function projectComplex(pick: Pick, def: AttributeDef, value: unknown, narrowed: boolean): unknown {
  if (!isObject(value)) return narrowed ? undefined : value;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    const sub = findSubAttribute(def, name);
    const shown = sub ? subShown(pick, sub) : pick.show && pick.only === undefined;
    if (shown) out[name] = inner;
  }
  return narrowed && Object.keys(out).length === 0 ? undefined : out;
}

function key(extension: string | undefined, attr: string): string {
  return `${extension?.toLowerCase() ?? ''}|${attr.toLowerCase()}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and resolves a comma-separated list (RFC 7644 §3.4.2.5: names in §3.10 attribute notation). */
function collectNames(type: ResourceTypeDef, list: string, allowFilters: boolean): NameSet {
  const set: NameSet = { schemas: new Set(), attrs: new Map() };
  for (const raw of splitNames(list)) {
    const text = raw.trim();
    if (!text) continue;
    const name = resolveName(type, text);
    if (name.kind === 'schema') {
      set.schemas.add(name.schemaId.toLowerCase());
      continue;
    }
    if (name.filter && !allowFilters) {
      throw scimErrors.invalidValue(`"${text}": a value filter selects what to return; it is accepted in "attributes" only`);
    }
    const k = key(name.extension, name.def.name);
    let rule = set.attrs.get(k);
    if (!rule) {
      rule = { all: false, subs: new Set<string>(), filters: name.filter ? [] : undefined };
      set.attrs.set(k, rule);
    }
    if (name.sub) rule.subs.add(name.sub.name.toLowerCase());
    else rule.all = true;
    // Named once without a filter, the attribute's elements are all returned; otherwise its filters are or-ed.
    if (!name.filter) rule.filters = undefined;
    else rule.filters?.push(name.filter);
  }
  return set;
}

/** Splits a list at commas outside `[...]` and quoted strings, so a value filter may hold a comma. */
function splitNames(list: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (ch === ',' && depth <= 0) {
      names.push(list.slice(start, i));
      start = i + 1;
    }
  }
  names.push(list.slice(start));
  return names;
}

/**
 * Resolves `[urn:…:]attr[.sub]` or a bare schema URN against the resource type, ignoring case
 * (RFC 7644 §3.10). The URN is split off at the last ':' so the dot in `…:enterprise:2.0:User` is
 * never taken for a sub-attribute separator.
 */
function resolveName(type: ResourceTypeDef, text: string): ResolvedName {
  const lower = text.toLowerCase();
  const schemaIds = [type.schema.id, ...type.extensions.map((e) => e.schema.id)];
  const wholeSchema = schemaIds.find((id) => id.toLowerCase() === lower);
  if (wholeSchema) return { kind: 'schema', schemaId: wholeSchema };
  if (lower === 'schemas') {
    // `schemas` is returned always; naming it is harmless, so resolve it to `id` (also always).
    return { kind: 'attr', extension: undefined, def: findAttribute(type, undefined, 'id')!.def };
  }
  if (text.includes('[')) return resolveValuePathName(type, text);
  const colon = text.lastIndexOf(':');
  const schema = colon >= 0 ? text.slice(0, colon) : undefined;
  const path = text.slice(colon + 1);
  const dot = path.indexOf('.');
  const attr = dot >= 0 ? path.slice(0, dot) : path;
  const subName = dot >= 0 ? path.slice(dot + 1) : undefined;
  const found = attr ? findAttribute(type, schema, attr) : undefined;
  if (!found) throw scimErrors.invalidValue(`Unknown attribute "${text}" for resource type ${type.name}`);
  if (subName === undefined) return { kind: 'attr', extension: found.extension, def: found.def };
  const sub = findSubAttribute(found.def, subName);
  if (!sub) throw scimErrors.invalidValue(`Unknown sub-attribute "${text}" for resource type ${type.name}`);
  return { kind: 'attr', extension: found.extension, def: found.def, sub };
}

/**
 * `emails[type eq "work"]` or `emails[type eq "work"].value` in an attribute list: the PATCH path
 * grammar (RFC 7644 §3.5.2 valuePath), on a multi-valued complex attribute. Errors are `invalidValue`,
 * like every other bad name in a list.
 */
function resolveValuePathName(type: ResourceTypeDef, text: string): ResolvedName {
  let path;
  try {
    path = parsePatchPath(text);
  } catch (error) {
    if (error instanceof ScimError) throw new ScimError(400, 'invalidValue', `"${text}": ${error.message}`, { cause: error });
    throw error;
  }
  const found = path.attr.subAttr === undefined ? findAttribute(type, path.attr.schema, path.attr.attr) : undefined;
  if (!found || !path.valueFilter) throw scimErrors.invalidValue(`Unknown attribute "${text}" for resource type ${type.name}`);
  if (!found.def.multiValued || found.def.type !== 'complex') {
    throw scimErrors.invalidValue(`"${text}": a value filter needs a complex multi-valued attribute`);
  }
  const filter = path.valueFilter;
  // Checked once here, so a filter naming an unknown sub-attribute is a 400 rather than a silent empty result.
  try {
    matchesFilter({}, filter, found.def);
  } catch (error) {
    if (error instanceof ScimError) throw new ScimError(400, 'invalidValue', `"${text}": ${error.message}`, { cause: error });
    throw error;
  }
  if (path.subAttr === undefined) return { kind: 'attr', extension: found.extension, def: found.def, filter };
  const sub = findSubAttribute(found.def, path.subAttr);
  if (!sub) throw scimErrors.invalidValue(`Unknown sub-attribute "${text}" for resource type ${type.name}`);
  return { kind: 'attr', extension: found.extension, def: found.def, sub, filter };
}
