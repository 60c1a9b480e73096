import type { Store } from '../../store/store.ts';
import { mustGetDirectory } from '../directories/must-get-directory.ts';
import { toTokenView, type TokenView } from '../directories/views.ts';
import { toRequestLogView, type RequestLog, type RequestLogView } from './create-request-log.ts';

/** How many of the newest failed requests the status shows, each with its request-log entry. */
const RECENT_ERRORS = 10;

export interface ProvisioningStatus {
  readonly directory: { readonly id: string; readonly name: string; readonly idp: string; readonly status: string };
  readonly synced: { readonly users: number; readonly groups: number; readonly memberships: number };
  /** When the IdP last called (from the request log); null when it never did, or the log is off. */
  readonly lastRequestAt: string | null;
  readonly lastHour: { readonly requests: number; readonly errors: number };
  readonly lastDay: { readonly requests: number; readonly errors: number };
  readonly recentErrors: readonly RequestLogView[];
  readonly tokens: readonly Pick<TokenView, 'id' | 'prefix' | 'label' | 'state' | 'expiresAt' | 'lastUsedAt'>[];
  readonly requestLog: 'on' | 'off';
}

/** "Why did this user not sync?": what a directory holds, how its IdP has been calling, and what failed. */
export function createProvisioningStatus(deps: { store: Store; requestLog: RequestLog; now?: () => Date }) {
  const { store, requestLog } = deps;
  const now = deps.now ?? (() => new Date());
  return async function provisioningStatus(directoryId: string): Promise<ProvisioningStatus> {
    const directory = await mustGetDirectory(store, directoryId);
    await requestLog.flush();
    const at = now();
    const ago = (ms: number) => new Date(at.getTime() - ms).toISOString();
    return store.read(async (q) => {
      const [counts, memberships, lastRequestAt, lastHour, lastDay, errors, tokens] = await Promise.all([
        q.directories.counts(directoryId),
        q.ops.countMemberships(directoryId),
        q.requestLog.lastAt(directoryId),
        q.requestLog.count(directoryId, ago(3_600_000)),
        q.requestLog.count(directoryId, ago(86_400_000)),
        q.requestLog.list({ directoryId, status: { min: 400, max: 599 }, limit: RECENT_ERRORS }),
        q.tokens.listForDirectory(directoryId),
      ]);
      return {
        directory: { id: directory.id, name: directory.name, idp: directory.idp, status: directory.status },
        synced: { users: counts.users, groups: counts.groups, memberships },
        lastRequestAt: lastRequestAt ?? null,
        lastHour,
        lastDay,
        recentErrors: errors.map(toRequestLogView),
        tokens: tokens.map((t) => {
          const { id, prefix, label, state, expiresAt, lastUsedAt } = toTokenView(t, at);
          return { id, prefix, label, state, expiresAt, lastUsedAt };
        }),
        requestLog: requestLog.enabled ? 'on' : 'off',
      };
    });
  };
}
