import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

/**
 * Two IdPs that create the same person at the same instant must give one account with two links.
 * On PostgreSQL the two SCIM writes run in concurrent transactions (one node's pool, or two nodes):
 * each looked for an account with the email, found none, and made its own. Linking by email now
 * holds a lock on the email until the transaction ends (store: `lockEmails`); SQLite's single writer
 * gives the same order by itself.
 */
describeEachEngine('organization layer: simultaneous creates of one person in two directories', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
    await roster.services.rules.addDomain('race.example');
  });
  afterAll(() => roster.close());

  it('links both users to one account, for every email, whatever the interleaving', async () => {
    const okta = await roster.directory({ idp: 'okta', name: 'Okta' });
    const entra = await roster.directory({ idp: 'entra', name: 'Entra' });
    const emails = Array.from({ length: 40 }, (_, i) => `person${i}@race.example`);
    // Each pair is sent at once, the pairs 8 at a time: the two transactions of a pair overlap.
    for (let i = 0; i < emails.length; i += 8) {
      const sent = emails.slice(i, i + 8).flatMap((email) => [okta.post('/Users', userBody(email)), entra.post('/Users', userBody(email))]);
      expect((await Promise.all(sent)).map((r) => r.status)).toEqual(Array(sent.length).fill(201));
    }
    for (const email of emails) {
      const found = (await roster.services.accounts.list({ search: email })).filter((a) => a.email === email);
      expect(found, email).toHaveLength(1);
      const account = await roster.services.accounts.get(found[0]!.id);
      expect(account.links.map((l) => l.directoryId).sort(), email).toEqual([okta.directoryId, entra.directoryId].sort());
    }
    // Nothing was reported as a conflict: the two users are in different directories.
    expect(await roster.services.accounts.conflicts()).toEqual([]);
  });

  // SQLite has one writer: nothing can commit while a create waits.
  it.skipIf(engine !== 'postgres')('a create that waited for an email lock applies the default groups and grants committed meanwhile', async () => {
    const scim = await roster.directory({ idp: 'okta', name: 'Waiting' });
    const email = 'waiter@race.example';
    const starters = await roster.services.orgGroups.create({ name: 'Race starters' });
    const app = await roster.services.apps.create({ name: 'Race wiki', kind: 'wiki' });
    await roster.services.apps.grant(app.id, starters.id);
    // Another transaction holds the email's lock, as a reconcile does for its whole run.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holder = roster.store.write(async (q) => {
      await q.org.lockEmails([email]);
      await released;
    });
    const created = scim.post('/Users', userBody(email, { emails: [{ value: email, primary: true }] }));
    const admin = new pg.Client({ connectionString: roster.config.databaseUrl });
    await admin.connect();
    try {
      for (let i = 0; i < 200; i++) {
        const { rows } = await admin.query("select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted");
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      // The create waits on the lock now; an admin makes the group a default meanwhile.
      await roster.services.orgGroups.setDefault(starters.id, 'new');
      release();
      await holder;
      const res = await created;
      expect(res.status, res.text).toBe(201);
      const account = (await roster.services.accounts.list({ search: email })).find((a) => a.email === email)!;
      const detail = await roster.services.accounts.get(account.id);
      expect(detail.groups.map((g) => g.name)).toContain('Race starters');
      expect(detail.apps.map((a) => a.id)).toContain(app.id);
    } finally {
      release();
      await admin.end();
      await roster.services.orgGroups.setDefault(starters.id, null);
    }
  });
});
