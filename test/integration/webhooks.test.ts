import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryWorker, type DeliveryWorker } from '../../src/delivery/create-delivery-worker.ts';
import { adminApi } from '../helpers/admin-api.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { groupBody, patchOp, startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';
import { deliveryProblems, eventually, startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

const quiet = { info: () => undefined, warn: () => undefined };
/** Fast retries so a test sees many attempts: 20 ms doubling to 200 ms, 300 ms per attempt. */
const FAST = { ROSTER_WEBHOOK_TIMEOUT_MS: '300', ROSTER_WEBHOOK_BACKOFF_BASE_MS: '20', ROSTER_WEBHOOK_BACKOFF_MAX_MS: '200', ROSTER_WEBHOOK_POLL_MS: '10', ROSTER_WEBHOOK_CONCURRENCY: '4' };

async function setUp(engine: 'sqlite' | 'postgres', env: Record<string, string>) {
  const roster = await startRoster({ ...FAST, ROSTER_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), ...env }, engine);
  const worker = createDeliveryWorker({ services: roster.services, settings: roster.config.webhooks, log: quiet });
  const key = (await roster.services.adminKeys.create('webhooks test')).key;
  const api = adminApi(roster.origin, key);
  /** Feed events of a directory after a cursor (the events a webhook created at that cursor owes). */
  async function feedAfter(directoryId: string, after?: string) {
    const out: { id: string; resourceId: string; type: string }[] = [];
    let cursor = after;
    for (let i = 0; i < 200; i++) {
      const page = await roster.services.events.page({ after: cursor, limit: 1000, directoryId });
      out.push(...page.events);
      cursor = page.nextCursor;
      if (!page.hasMore) return { events: out, cursor: cursor! };
    }
    throw new Error('feed did not end');
  }
  return { roster, worker, api, feedAfter };
}

/** Starts Roster with its delivery worker and a receiver before a describe block's tests, and stops them after. */
function withWorker(engine: 'sqlite' | 'postgres', env: Record<string, string>, receiverOptions: Parameters<typeof startReceiver>[0], started: (ctx: Awaited<ReturnType<typeof setUp>>, receiver: Receiver) => void) {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let receiver: Receiver;
  beforeAll(async () => {
    ctx = await setUp(engine, env);
    receiver = await startReceiver(receiverOptions);
    ctx.worker.start();
    started(ctx, receiver);
  });
  afterAll(async () => {
    await ctx.worker.stop(100);
    await receiver.close();
    await ctx.roster.close();
  });
}

describeEachEngine('webhooks', (engine) => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let receiver: Receiver;
  withWorker(engine, { ROSTER_WEBHOOK_MAX_ATTEMPTS: '100' }, {}, (c, r) => ((ctx = c), (receiver = r)));

  it('are managed through the admin API; the secret is shown once and never again, nor in events or logs', async () => {
    const created = await ctx.api('POST', '/webhooks', { url: 'https://crm.example.com/roster', eventTypes: ['user.created'], description: 'CRM' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'https://crm.example.com/roster', eventTypes: ['user.created'], directoryId: null, description: 'CRM', enabled: true, secret: expect.stringMatching(/^whsec_/) });
    const id = created.body.id;
    const shown = await ctx.api('GET', `/webhooks/${id}`);
    expect(Object.keys(shown.body).sort()).toEqual(['createdAt', 'description', 'directoryId', 'enabled', 'eventTypes', 'id', 'updatedAt', 'url']);
    expect((await ctx.api('GET', '/webhooks')).body.webhooks.map((w: { id: string }) => w.id)).toContain(id);

    const disabled = await ctx.api('PATCH', `/webhooks/${id}`, { enabled: false, eventTypes: null });
    expect(disabled.body).toMatchObject({ enabled: false, eventTypes: null });
    expect(disabled.body.secret).toBeUndefined();
    const rotated = await ctx.api('PATCH', `/webhooks/${id}`, { rotateSecret: true });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    expect((await ctx.api('POST', '/webhooks', { url: 'ftp://x' })).body.error).toMatchObject({ code: 'webhook.invalid', field: 'url' });
    expect((await ctx.api('POST', '/webhooks', { url: 'https://x.example', eventTypes: ['user.exploded'] })).body.error).toMatchObject({ code: 'webhook.invalid', field: 'eventTypes.0' });
    expect((await ctx.api('POST', '/webhooks', { url: 'https://x.example', secret: 'short' })).body.error).toMatchObject({ code: 'webhook.invalid', field: 'secret' });
    expect((await ctx.api('POST', '/webhooks', { url: 'https://x.example', directoryId: 'nope' })).body.error).toMatchObject({ code: 'webhook.invalid' });
    expect((await ctx.api('GET', '/webhooks/nope')).status).toBe(404);
    expect((await ctx.api('DELETE', `/webhooks/${id}`)).status).toBe(204);
    expect((await ctx.api('GET', `/webhooks/${id}`)).body.error.code).toBe('webhook.not_found');

    // The delivery worker may hold the sequencer for a moment (PostgreSQL skips a locked sequencer): the
    // last event reaches the feed once its batch is positioned, so the read waits for it, boundedly.
    const webhookEvents = async () => (await ctx.roster.services.events.page({ types: ['webhook.created', 'webhook.updated', 'webhook.deleted'], limit: 1000 })).events.filter((e) => e.resourceId === id);
    await eventually(async () => (await webhookEvents()).length >= 4, 'the webhook events in the feed');
    const events = await webhookEvents();
    expect(events.map((e) => e.type)).toEqual(['webhook.created', 'webhook.updated', 'webhook.updated', 'webhook.deleted']);
    expect(events[2]!.changed).toEqual(['secret']);
    const everything = JSON.stringify(await ctx.roster.store.read((q) => q.events.list({ afterSeq: 0, limit: 100_000 }))) + ctx.roster.logs();
    for (const secret of [created.body.secret, rotated.body.secret]) expect(everything).not.toContain(secret);
  });

  it('a receiver that refuses connections, times out, answers 500, then recovers gets every event, duplicates only by id, each resource in order', async () => {
    const scim = await ctx.roster.directory();
    await ctx.roster.services.events.sequence();
    await receiver.setMode('refuse');
    const hook = await ctx.api('POST', '/webhooks', { url: receiver.url, directoryId: scim.directoryId });
    receiver.setSecret(hook.body.secret);
    // The delivery worker may hold the sequencer for a moment: wait until the directory's own events
    // (created, first token) are in the feed, so the start cursor is after them.
    await eventually(async () => (await ctx.feedAfter(scim.directoryId)).events.length >= 2, 'the directory in the feed');
    const { cursor: start } = await ctx.feedAfter(scim.directoryId);

    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await scim.post('/Users', userBody(`hook${i}@example.com`))).body.id);
    for (const id of ids) await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'First' }));
    const group = await scim.post('/Groups', groupBody('Hooked', { members: ids.slice(0, 3).map((value) => ({ value })) }));
    for (const id of ids) await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'Second' }));
    await scim.delete(`/Users/${ids[0]}`);
    expect(group.status).toBe(201);

    const errors = async () => (await ctx.roster.services.deliveries.list(hook.body.id, { limit: 1000 })).map((d) => `${d.lastError}`);
    await eventually(async () => (await errors()).some((e) => /ECONNREFUSED/.test(e)), 'a refused connection');
    await receiver.setMode('hang');
    await eventually(async () => (await errors()).includes('timeout'), 'a timed-out attempt');
    await receiver.setMode('fail');
    await eventually(async () => (await errors()).includes('HTTP 500'), 'a 500');
    await receiver.setMode('ok');

    const written = 6 + 6 + 2 + 6 + 2; // creates, updates, group + members, updates, delete + its membership change
    await eventually(async () => (await ctx.feedAfter(scim.directoryId, start)).events.length >= written, 'every write in the feed');
    const { events: expected } = await ctx.feedAfter(scim.directoryId, start);
    expect(expected.length).toBe(written);
    await eventually(() => expected.every((e) => receiver.acknowledged().has(e.id)), 'every event acknowledged');
    expect(deliveryProblems(receiver.received, expected)).toEqual([]);
    expect(receiver.received.some((r) => r.attempt > 1)).toBe(true);
    const deliveries = await ctx.roster.services.deliveries.list(hook.body.id, { limit: 1000 });
    await eventually(async () => (await ctx.roster.services.deliveries.list(hook.body.id, { status: 'pending', limit: 1 })).length === 0, 'no delivery pending');
    expect(deliveries).toHaveLength(expected.length);
    await ctx.api('DELETE', `/webhooks/${hook.body.id}`);
  });

  it('an endpoint that never answers does not hold back another, nor SCIM requests', async () => {
    const scim = await ctx.roster.directory();
    const stuck = await startReceiver();
    await stuck.setMode('hang');
    const healthy = await startReceiver();
    const stuckHook = await ctx.api('POST', '/webhooks', { url: stuck.url, directoryId: scim.directoryId, eventTypes: ['user.created'] });
    const healthyHook = await ctx.api('POST', '/webhooks', { url: healthy.url, directoryId: scim.directoryId, eventTypes: ['user.created'] });
    stuck.setSecret(stuckHook.body.secret);
    healthy.setSecret(healthyHook.body.secret);
    const created = [];
    for (let i = 0; i < 20; i++) {
      const res = await scim.post('/Users', userBody(`busy${i}@example.com`));
      expect(res.status).toBe(201);
      created.push(res.body.id);
    }
    await eventually(() => healthy.acknowledged().size === 20, 'the healthy endpoint has every event');
    expect([...healthy.acknowledged().values()].map((r) => r.resourceId).sort()).toEqual([...created].sort());
    expect(stuck.acknowledged().size).toBe(0);
    await stuck.setMode('ok');
    await eventually(() => stuck.acknowledged().size === 20, 'the stuck endpoint catches up once it answers');
    for (const hook of [stuckHook, healthyHook]) await ctx.api('DELETE', `/webhooks/${hook.body.id}`);
    await stuck.close();
    await healthy.close();
  });
});

describeEachEngine('webhook delivery rows', (engine) => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let receiver: Receiver;
  let failNext = false;
  // Retries a second or so after a failure: long enough for the resource's next event to come meanwhile.
  withWorker(engine, { ROSTER_WEBHOOK_BACKOFF_BASE_MS: '1500', ROSTER_WEBHOOK_BACKOFF_MAX_MS: '1500' }, { answer: () => (failNext ? ((failNext = false), 500) : 200) }, (c, r) => ((ctx = c), (receiver = r)));

  it('an event delivered at once leaves no row; a failed one is a row, and its resource’s next event waits behind it', async () => {
    const scim = await ctx.roster.directory();
    // The directory's own events positioned first (PostgreSQL's sequencer): the endpoint owes only what follows.
    await ctx.roster.services.events.sequence();
    const hook = await ctx.api('POST', '/webhooks', { url: receiver.url, directoryId: scim.directoryId });
    receiver.setSecret(hook.body.secret);
    failNext = true;
    const late = (await scim.post('/Users', userBody('late@example.com'))).body.id;
    await eventually(() => receiver.received.length >= 1, 'the first attempt');
    await scim.patch(`/Users/${late}`, patchOp({ op: 'replace', path: 'title', value: 'Waited' }));
    const prompt = (await scim.post('/Users', userBody('prompt@example.com'))).body.id;
    // The worker may hold PostgreSQL's sequencer for a moment: the last event reaches the feed once positioned.
    const ownEvents = async () => (await ctx.feedAfter(scim.directoryId)).events.filter((e) => e.resourceId === late || e.resourceId === prompt);
    await eventually(async () => (await ownEvents()).length >= 3, 'the three events in the feed');
    const owed = await ownEvents();
    expect(owed.map((e) => e.type)).toEqual(['user.created', 'user.updated', 'user.created']);
    await eventually(() => owed.every((e) => receiver.acknowledged().has(e.id)), 'every event acknowledged');
    expect(deliveryProblems(receiver.received, owed)).toEqual([]);
    // The prompt user's event went out before the late user's retry: resources do not wait for each other.
    expect(receiver.received.findIndex((r) => r.resourceId === prompt)).toBeLessThan(receiver.received.findLastIndex((r) => r.id === owed[0]!.id));
    // Outcomes are recorded by the worker's next round.
    const deliveries = async () => (await ctx.api('GET', `/webhooks/${hook.body.id}/deliveries`)).body.deliveries;
    await eventually(async () => (await deliveries()).every((d: { status: string }) => d.status === 'delivered'), 'the outcomes recorded');
    const rows = await deliveries();
    expect(rows.map((d: { eventId: string; status: string; attempts: number; lastStatus: number }) => [d.eventId, d.status, d.attempts, d.lastStatus])).toEqual([
      [owed[1]!.id, 'delivered', 1, 200],
      [owed[0]!.id, 'delivered', 2, 200],
    ]);
    await ctx.api('DELETE', `/webhooks/${hook.body.id}`);
  });
});

describeEachEngine('webhook dead letters', (engine) => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let receiver: Receiver;
  withWorker(engine, { ROSTER_WEBHOOK_MAX_ATTEMPTS: '2' }, {}, (c, r) => ((ctx = c), (receiver = r)));

  it('after the last attempt a delivery is dead-lettered; an admin redelivers one, then all', async () => {
    const scim = await ctx.roster.directory();
    await receiver.setMode('fail');
    const hook = await ctx.api('POST', '/webhooks', { url: receiver.url, directoryId: scim.directoryId, eventTypes: ['user.created'] });
    receiver.setSecret(hook.body.secret);
    for (let i = 0; i < 3; i++) await scim.post('/Users', userBody(`dead${i}@example.com`));
    const dead = async () => (await ctx.api('GET', `/webhooks/${hook.body.id}/deliveries?status=dead`)).body.deliveries;
    await eventually(async () => (await dead()).length === 3, 'three dead letters');
    const letters = await dead();
    expect(letters[0]).toMatchObject({ status: 'dead', attempts: 2, lastStatus: 500, lastError: 'HTTP 500', nextAttemptAt: null });
    expect(receiver.received).toHaveLength(6);

    await receiver.setMode('ok');
    expect((await ctx.api('POST', `/webhooks/${hook.body.id}/deliveries/${letters[0].id}/redeliver`)).body).toEqual({ redelivered: 1 });
    await eventually(() => receiver.acknowledged().has(letters[0].eventId), 'the redelivered event arrives');
    expect(receiver.acknowledged().size).toBe(1);
    expect((await ctx.api('POST', `/webhooks/${hook.body.id}/deliveries/${letters[0].id}/redeliver`)).body.error.code).toBe('webhook.invalid');
    expect((await ctx.api('POST', `/webhooks/${hook.body.id}/deliveries/nope/redeliver`)).body.error.code).toBe('webhook.delivery_not_found');
    expect((await ctx.api('POST', `/webhooks/${hook.body.id}/redeliver`)).body).toEqual({ redelivered: 2 });
    await eventually(() => receiver.acknowledged().size === 3, 'every dead letter arrives');
    expect((await dead()).length).toBe(0);
  });
});

describe('webhook signatures', () => {
  it('verify over the timestamp and the raw body, within the tolerance', async () => {
    const { signatureHeader, verifySignature } = await import('../../src/delivery/sign-payload.ts');
    const header = signatureHeader('whsec_test', '{"a":1}', 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_test', '{"a":1}', header, 1_800_000_100)).toBe(true);
    expect(verifySignature('whsec_test', '{"a":2}', header, 1_800_000_100)).toBe(false);
    expect(verifySignature('whsec_other', '{"a":1}', header, 1_800_000_100)).toBe(false);
    expect(verifySignature('whsec_test', '{"a":1}', header, 1_800_000_301)).toBe(false);
  });
});
