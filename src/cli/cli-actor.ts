import { userInfo } from 'node:os';
import type { AuditActor } from '../domain/records.ts';

function osUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/** The audit log's actor for the command line: `cli`, with the operating-system user who ran it. */
export const CLI_ACTOR: AuditActor = Object.freeze({ type: 'cli', id: osUser(), label: 'cli', address: null });
