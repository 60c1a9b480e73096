import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, describeEachEngine } from '../helpers/engines.ts';
import { createPostgresStore } from '../../src/store/postgres/create-postgres-store.ts';
import { createSqliteStore } from '../../src/store/sqlite/create-sqlite-store.ts';
import { runStoreContract, type OpenedStore } from './contract/run-store-contract.ts';

async function openSqliteStore(): Promise<OpenedStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-store-contract-'));
  const store = createSqliteStore(path.join(dir, 'roster.db'), { synchronous: 'normal' });
  await store.migrate();
  return { store, close: async () => (await store.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}

async function openPostgresStore(): Promise<OpenedStore> {
  const { url, drop } = await createTestDatabase();
  const store = createPostgresStore({ connectionString: url, poolSize: 4, statementTimeoutMs: 30_000 });
  await store.migrate(); // the template is migrated already: a no-op that also detects ICU
  return { store, close: async () => (await store.close(), await drop()) };
}

describeEachEngine('Store', (engine) => runStoreContract('contract', engine === 'sqlite' ? openSqliteStore : openPostgresStore));
