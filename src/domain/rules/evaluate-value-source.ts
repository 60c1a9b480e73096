import { MAX_REGEX_INPUT_CHARS } from './check-rule-regex.ts';
import { compileScimPath } from './read-scim-path.ts';
import type { ValueSource } from './rule-schemas.ts';

/** A compiled value source: the value for one SCIM user resource, a non-empty string or null. */
export type ValueEvaluator = (resource: Record<string, unknown>) => string | null;

const nothing: ValueEvaluator = () => null;

/**
 * Compiles a value source (validated by valueSourceSchema) into a closure, so paths are parsed and
 * regexes built once per rule set rather than on every SCIM write. Empty strings count as absent
 * everywhere: `firstOf` skips them, `concat` leaves them out, and a result of '' is null. A path that
 * does not parse reads null (checkValueSourcePaths refuses such rules when they are saved).
 */
export function compileValueSource(source: ValueSource): ValueEvaluator {
  if ('path' in source) {
    const compiled = compileScimPath(source.path);
    return compiled.ok ? compiled.read : nothing;
  }
  if ('const' in source) {
    const value = source.const === '' ? null : source.const;
    return () => value;
  }
  if ('firstOf' in source) {
    const parts = source.firstOf.map(compileValueSource);
    return (resource) => {
      for (const part of parts) {
        const value = part(resource);
        if (value !== null) return value;
      }
      return null;
    };
  }
  if ('concat' in source) {
    const parts = source.concat.map(compileValueSource);
    const separator = source.separator ?? '';
    return (resource) => {
      const values: string[] = [];
      for (const part of parts) {
        const value = part(resource);
        if (value !== null) values.push(value);
      }
      return values.length === 0 ? null : nonEmpty(values.join(separator));
    };
  }
  if ('lower' in source) {
    const inner = compileValueSource(source.lower);
    return (resource) => inner(resource)?.toLowerCase() ?? null;
  }
  if ('upper' in source) {
    const inner = compileValueSource(source.upper);
    return (resource) => inner(resource)?.toUpperCase() ?? null;
  }
  const inner = compileValueSource(source.replace);
  const regex = new RegExp(source.pattern, source.flags ?? '');
  const replacement = source.with;
  return (resource) => {
    const value = inner(resource);
    if (value === null) return null;
    // Admins write the pattern, the IdP writes the value: capping the value bounds each match's cost.
    return nonEmpty(value.slice(0, MAX_REGEX_INPUT_CHARS).replace(regex, replacement));
  };
}

/** Evaluates `source` once against `resource`; for repeated use compile it with compileValueSource. */
export function evaluateValueSource(source: ValueSource, resource: Record<string, unknown>): string | null {
  return compileValueSource(source)(resource);
}

function nonEmpty(value: string): string | null {
  return value === '' ? null : value;
}
