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
});
