import { afterAll, beforeAll, describe } from 'vitest';
import type { Store } from '../../../src/store/store.ts';
import { createFixtures } from './fixtures.ts';
import { storeContract } from './store.ts';
import { directoriesContract } from './directories.ts';
import { tokensContract } from './tokens.ts';
import { adminKeysContract } from './admin-keys.ts';
import { usersContract } from './users.ts';
import { groupsContract } from './groups.ts';
import { membersContract } from './members.ts';
import { passwordsContract } from './passwords.ts';
import { eventsContract } from './events.ts';
import { feedContract } from './feed.ts';
import { runOpsStoreContract } from './ops.ts';
import { orgPerIdContract } from './org-per-id.ts';
import { orgRowsContract } from './org-rows.ts';
import { orgGroupPagesContract } from './org-group-pages.ts';
import { transactionsContract } from './transactions.ts';

/** A store opened for the suite, and how to dispose of it (and of its database). */
export interface OpenedStore {
  readonly store: Store;
  readonly close: () => Promise<void>;
}

/**
 * The behaviour every Store must have, whatever the engine: each query the domain runs, with exact
 * results, one file per table. Each engine calls this once (store.contract.test.ts); a gap an engine
 * cannot close is listed there with its reason, never hidden. Every test makes its own directories
 * (random ids), so tests share one database without seeing each other's rows.
 */
export function runStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(name, () => {
    const f = createFixtures();
    let opened: OpenedStore | undefined;
    beforeAll(async () => {
      opened = await open();
      f.store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
    });
    storeContract(f);
    directoriesContract(f);
    tokensContract(f);
    adminKeysContract(f);
    usersContract(f);
    groupsContract(f);
    membersContract(f);
    passwordsContract(f);
    eventsContract(f);
    feedContract(f);
    runOpsStoreContract(() => f.store);
    orgRowsContract(() => f.store);
    orgPerIdContract(() => f.store);
    orgGroupPagesContract(() => f.store);
    transactionsContract(f);
  });
}
