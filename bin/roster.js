#!/usr/bin/env node
// Roster runs its TypeScript sources through tsx, so `npx roster` works right after `npm install`
// with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
