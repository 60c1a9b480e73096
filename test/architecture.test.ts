import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of DESIGN.md §2, checked on every import in src/ (tests excepted):
 * scim/ is pure protocol and imports nothing of ours outside itself; domain/ knows no database
 * driver, query builder or HTTP framework; http/ never reaches the store (the domain is the only
 * way in); store/ never reaches up into the domain or http.
 */
const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !/\.(test|fixtures)\.ts$/.test(e.name) ? [full] : [];
  });
}

/** Every import of a file: the specifier, and for a relative one the top folder of src/ it lands in. */
function importsOf(file: string): { specifier: string; layer?: string }[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.map((specifier) => {
    if (!specifier.startsWith('.')) return { specifier };
    const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
    return { specifier, layer: target.split(path.sep)[0] };
  });
}

const layerOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;

const RULES: Record<string, { ours?: readonly string[]; packages?: RegExp }> = {
  scim: { ours: ['scim'], packages: /^(?!node:(fs|net|http|https|child_process)$)/ },
  domain: { ours: ['domain', 'scim', 'store', 'config'], packages: /^(?!(fastify|kysely|better-sqlite3|pg|undici)$)/ },
  http: { ours: ['http', 'domain', 'scim', 'config', 'idp'] },
  store: { ours: ['store', 'scim', 'config'] },
  idp: { ours: ['idp', 'scim'] },
};

describe('import boundaries (DESIGN.md §2)', () => {
  const files = sourceFiles(SRC);

  it.each(Object.keys(RULES))('%s/ imports only what its layer may', (layer) => {
    const rule = RULES[layer]!;
    const crossings: string[] = [];
    for (const file of files.filter((f) => layerOf(f) === layer)) {
      for (const { specifier, layer: target } of importsOf(file)) {
        if (target !== undefined && rule.ours && !rule.ours.includes(target)) crossings.push(`${path.relative(SRC, file)} → ${specifier}`);
        if (target === undefined && rule.packages && !rule.packages.test(specifier)) crossings.push(`${path.relative(SRC, file)} → ${specifier}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('domain/ reaches the store only through its interface and records, never an engine', () => {
    const crossings = files
      .filter((f) => layerOf(f) === 'domain')
      .flatMap((file) => importsOf(file).map((i) => ({ file, ...i })))
      .filter((i) => i.layer === 'store' && !/\/store\/(store|records|store-errors)\.ts$/.test(i.specifier));
    expect(crossings.map((c) => `${path.relative(SRC, c.file)} → ${c.specifier}`)).toEqual([]);
  });

  it('finds the imports it checks (the check cannot pass by reading nothing)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(importsOf(path.join(SRC, 'http/scim/user-routes.ts')).some((i) => i.layer === 'domain' || i.layer === 'scim')).toBe(true);
  });
});
