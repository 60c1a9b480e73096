import { CUSTOM_USER_SCHEMA, type CustomAttribute } from '../../scim/schemas/custom-schema.ts';
import { compileScimPath, customAttributeOf, bareUnknownName } from './read-scim-path.ts';
import type { AttributeMapping, ValueSource } from './rule-schemas.ts';

/** Every `path` of an attribute mapping with where it sits (`attributes.fields.email.firstOf[1]`). */
export function valueSourcePaths(mapping: AttributeMapping): { readonly where: string; readonly path: string }[] {
  const found: { where: string; path: string }[] = [];
  const visit = (source: ValueSource, where: string): void => {
    if ('path' in source) found.push({ where, path: source.path });
    else if ('firstOf' in source) source.firstOf.forEach((s, i) => visit(s, `${where}.firstOf[${i}]`));
    else if ('concat' in source) source.concat.forEach((s, i) => visit(s, `${where}.concat[${i}]`));
    else if ('lower' in source) visit(source.lower, `${where}.lower`);
    else if ('upper' in source) visit(source.upper, `${where}.upper`);
    else if ('replace' in source) visit(source.replace, `${where}.replace`);
  };
  for (const [field, source] of Object.entries(mapping.fields)) if (source) visit(source, `attributes.fields.${field}`);
  for (const [name, source] of Object.entries(mapping.custom)) visit(source, `attributes.custom.${name}`);
  return found;
}

/**
 * Every `path` in an attribute mapping that cannot be read (does not parse, names a sub-attribute
 * the schema lacks, has a value filter that cannot apply, names a custom-extension attribute the
 * directory has not declared), as `where: what` lines; empty when all are usable. Run when rules are
 * saved, after directoryRulesSchema, with the directory's declared custom attributes.
 */
export function checkValueSourcePaths(mapping: AttributeMapping, declared: readonly CustomAttribute[]): string[] {
  const errors: string[] = [];
  const declaredName = (name: string) => declared.find((a) => a.name.toLowerCase() === name.toLowerCase());
  const list = declared.length > 0 ? `it declares ${declared.map((a) => a.name).join(', ')}` : 'it declares none';
  for (const { where, path } of valueSourcePaths(mapping)) {
    const compiled = compileScimPath(path);
    if (!compiled.ok) {
      errors.push(`${where}: ${compiled.error}`);
      continue;
    }
    // A custom attribute the directory never declared would read null for every user, silently.
    const custom = customAttributeOf(path);
    if (custom) {
      const attribute = declaredName(custom.name);
      if (!attribute) errors.push(`${where}: path "${path}": the directory has no custom attribute '${custom.name}' (${list})`);
      // Custom attributes are simple: only `value` names the attribute itself.
      else if (custom.sub !== undefined && custom.sub.toLowerCase() !== 'value') errors.push(`${where}: path "${path}": '${attribute.name}' is not complex and has no sub-attribute '${custom.sub}'`);
      continue;
    }
    // A bare name is read at the top of the resource, where a custom attribute never is.
    const bare = bareUnknownName(path);
    const attribute = bare === undefined ? undefined : declaredName(bare);
    if (attribute) errors.push(`${where}: path "${path}": '${attribute.name}' is a custom attribute; write it as ${CUSTOM_USER_SCHEMA}:${attribute.name}`);
  }
  return errors;
}

/** Where an attribute mapping reads this custom attribute (case-insensitive), as `where` strings. */
export function customAttributeUses(mapping: AttributeMapping, name: string): string[] {
  return valueSourcePaths(mapping)
    .filter(({ path }) => customAttributeOf(path)?.name.toLowerCase() === name.toLowerCase())
    .map(({ where }) => where);
}
