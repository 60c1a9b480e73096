import type { DirectoryRow, TokenRow } from '../database.ts';
import type { TokenQueries } from '../store.ts';
import { fromToken, toDirectory, toToken } from './map-rows.ts';
import type { Executor, QueryContext } from './prepared.ts';

const DIRECTORY_COLUMNS = ['name', 'idp', 'status', 'created_at', 'updated_at', 'password_mode', 'ip_allowlist', 'custom_attributes'] as const;

/** The token row with its directory's columns, prefixed `d_`: one query authenticates a SCIM request. */
const withDirectory = (db: Executor, a: { hash: string }) =>
  db
    .selectFrom('tokens as t')
    .innerJoin('directories as d', 'd.id', 't.directory_id')
    .selectAll('t')
    .select(DIRECTORY_COLUMNS.map((c) => `d.${c} as d_${c}` as const))
    .where('t.token_hash', '=', a.hash);

export function createTokenQueries({ db, run }: QueryContext): TokenQueries {
  return {
    async insert(record) {
      await db.insertInto('tokens').values(fromToken(record)).execute();
    },
    async get(id) {
      const row = await db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toToken(row);
    },
    async findWithDirectory(hash) {
      const [row] = (await run(db, 'tokens.findWithDirectory', withDirectory, { hash })).rows;
      if (!row) return undefined;
      const r = row as unknown as Record<string, unknown>;
      const directory = { id: row.directory_id } as Record<string, unknown>;
      for (const c of DIRECTORY_COLUMNS) directory[c] = r[`d_${c}`];
      return { token: toToken(row as TokenRow), directory: toDirectory(directory as unknown as DirectoryRow) };
    },
    async listForDirectory(directoryId) {
      const rows = await db.selectFrom('tokens').selectAll().where('directory_id', '=', directoryId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toToken);
    },
    async update(id, changes) {
      const set: Partial<TokenRow> = {};
      if (changes.expiresAt !== undefined) set.expires_at = changes.expiresAt;
      if (changes.revokedAt !== undefined) set.revoked_at = changes.revokedAt;
      if (changes.lastUsedAt !== undefined) set.last_used_at = changes.lastUsedAt;
      const r = await db.updateTable('tokens').set(set).where('id', '=', id).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}
