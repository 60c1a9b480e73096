import { compileScimPath } from './read-scim-path.ts';
import type { AttributeMapping, ValueSource } from './rule-schemas.ts';

/**
 * Every `path` in an attribute mapping that cannot be read (does not parse, names a sub-attribute
 * the schema lacks, has a value filter that cannot apply), as `where: what` lines; empty when all
 * are usable. Run when rules are saved, after directoryRulesSchema.
 */
export function checkValueSourcePaths(mapping: AttributeMapping): string[] {
  const errors: string[] = [];
  const visit = (source: ValueSource, where: string): void => {
    if ('path' in source) {
      const compiled = compileScimPath(source.path);
      if (!compiled.ok) errors.push(`${where}: ${compiled.error}`);
    } else if ('firstOf' in source) source.firstOf.forEach((s, i) => visit(s, `${where}.firstOf[${i}]`));
    else if ('concat' in source) source.concat.forEach((s, i) => visit(s, `${where}.concat[${i}]`));
    else if ('lower' in source) visit(source.lower, `${where}.lower`);
    else if ('upper' in source) visit(source.upper, `${where}.upper`);
    else if ('replace' in source) visit(source.replace, `${where}.replace`);
  };
  for (const [field, source] of Object.entries(mapping.fields)) if (source) visit(source, `attributes.fields.${field}`);
  for (const [name, source] of Object.entries(mapping.custom)) visit(source, `attributes.custom.${name}`);
  return errors;
}
