#!/usr/bin/env node
// Roster runs the JavaScript that `npm install` compiled into dist/ (tsc, the `prepare` script): no
// transpiler in the serving process, which saves about 40 MiB of memory and the per-call overhead
// tsx adds. When a source file is newer than that build (an edit since the install), it runs the
// TypeScript sources through tsx instead, so an edit is never served stale; `npm run build` makes
// dist/ current again.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}dist/cli/main.js`;

/** The newest modification time of the sources that are compiled (tests are not). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.ts$/.test(entry.name) && !/\.(test|fixtures)\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

if (process.env.ROSTER_RUN_SOURCES !== '1' && existsSync(built) && statSync(built).mtimeMs >= newestSource(`${root}src`)) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
