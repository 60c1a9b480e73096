import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.ts';

function withFile(content: unknown) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'roster-config-')), 'roster.json');
  writeFileSync(file, JSON.stringify(content));
  return { ROSTER_CONFIG: file };
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('reads a config file, with the environment winning', () => {
    const config = loadConfig({ ...withFile({ port: 9000, limits: { maxPageSize: 50 } }), PORT: '9100' });
    expect(config.port).toBe(9100);
    expect(config.limits.maxPageSize).toBe(50);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses unknown keys at every level, naming them, instead of ignoring a misspelling', () => {
    const problems = problemsOf(withFile({ prot: 9000, limits: { bodyLimitByte: 10 }, postgres: { poolSise: 3 } }));
    expect(problems.join('\n')).toMatch(/prot/);
    expect(problems.join('\n')).toMatch(/bodyLimitByte/);
    expect(problems.join('\n')).toMatch(/poolSise/);
  });

  it('lists every bad value at once', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', ROSTER_MAX_PAGE_SIZE: '-1' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/ROSTER_MAX_PAGE_SIZE/);
  });
});
