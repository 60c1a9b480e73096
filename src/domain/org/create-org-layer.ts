import type { Store } from '../../store/store.ts';
import type { EventRecorder } from '../events/record-event.ts';
import type { AuditLog } from '../ops/create-audit-log.ts';
import { createAccountStatus } from './account-status.ts';
import { createAccountService } from './create-account-service.ts';
import { createAppService } from './create-app-service.ts';
import { createHeldService } from './create-held-service.ts';
import { createOrgGroupService } from './create-org-group-service.ts';
import { createRulesService } from './create-rules-service.ts';
import { createRulesLoader } from './load-rules.ts';
import { createCollectingRecorder, type OrgEnv } from './org-env.ts';
import { registerOrgReactors } from './register-org-reactors.ts';
import { createChangeRunner } from './run-change.ts';

/**
 * The organization layer (DESIGN.md §1, issue 9): accounts, org groups, apps and access, derived from
 * the SCIM layer by each directory's rules. It follows SCIM writes through reactors in their
 * transactions and offers admins its services; nothing else writes its tables.
 */
export function createOrgLayer(deps: { store: Store; recorder: EventRecorder; audit: AuditLog; now?: () => Date }) {
  const collector = createCollectingRecorder(deps.recorder);
  const rules = createRulesLoader();
  const env: OrgEnv = { record: collector.record, recordMany: collector.recordMany, rulesOf: rules.rulesOf, factsOf: rules.factsOf, now: deps.now ?? (() => new Date()) };
  const status = createAccountStatus(env);
  registerOrgReactors(deps.recorder, env, status);
  const runChange = createChangeRunner(deps.store, collector);
  const shared = { store: deps.store, env, status, audit: deps.audit, runChange };
  return {
    rules: createRulesService(shared),
    accounts: createAccountService(shared),
    orgGroups: createOrgGroupService(shared),
    apps: createAppService(shared),
    held: createHeldService(shared),
  };
}

export type OrgLayer = ReturnType<typeof createOrgLayer>;
