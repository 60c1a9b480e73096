import { describe, expect, it } from 'vitest';
import type { LaneSend } from '../domain/webhooks/create-delivery-service.ts';
import { EndpointLane } from './endpoint-lane.ts';

/** Feed events at positions, each of a resource ('a', 'b', …). */
function sends(...specs: [position: number, resource: string][]): LaneSend[] {
  return specs.map(([position, resource]) => ({ deliveryId: `d${position}`, attempt: 1, leaseUntil: Number.MAX_SAFE_INTEGER, eventId: `e${position}`, eventType: 'user.updated', body: '{}', position, resourceKey: `User:${resource}` }));
}

const ok = { httpStatus: 204, error: null };
const refused = { httpStatus: null, error: 'ECONNREFUSED' };

/** A lane this worker has just taken at `cursor`. */
function taken(cursor = 10): EndpointLane {
  const lane = new EndpointLane('w', 60_000);
  expect(lane.step()).toEqual({ webhookId: 'w' });
  lane.stepped(cursor);
  return lane;
}

const positions = (list: readonly LaneSend[] | undefined) => (list ?? []).map((s) => s.position);

describe('an endpoint lane', () => {
  it('sends one event per resource at a time, the next when the one before was delivered', () => {
    const lane = taken();
    const [a1, b1, a2, a3] = sends([11, 'a'], [12, 'b'], [13, 'a'], [14, 'a']);
    expect(positions(lane.add({ sends: [a1!, b1!, a2!, a3!], through: 14, pending: new Set() }))).toEqual([11, 12]);
    expect(lane.settle(b1!, true, ok)).toBeUndefined();
    expect(lane.settle(a1!, true, ok)?.position).toBe(13);
    expect(lane.settle(a2!, true, ok)?.position).toBe(14);
    expect(lane.settle(a3!, true, ok)).toBeUndefined();
    // Everything delivered: the cursor moves through what the page covered, with no row to write.
    expect(lane.step()).toEqual({ webhookId: 'w', from: 10, to: 14, rows: [], release: false });
    lane.stepped(14);
    expect(lane.cursor).toBe(14);
    expect(lane.outstanding).toBe(0);
  });

  it('moves the cursor over the settled prefix only: a slow attempt holds it, not the sends after it', () => {
    const lane = taken();
    const [a, b, c] = sends([11, 'a'], [12, 'b'], [13, 'c']);
    expect(positions(lane.add({ sends: [a!, b!, c!], through: 20, pending: new Set() }))).toEqual([11, 12, 13]);
    lane.settle(b!, true, ok);
    lane.settle(c!, true, ok);
    expect(lane.step()).toMatchObject({ from: 10, to: 10, rows: [] });
    lane.stepped(10);
    lane.settle(a!, true, ok);
    // The page covered through 20 (events the endpoint does not want): the cursor goes there.
    expect(lane.step()).toMatchObject({ from: 10, to: 20, rows: [] });
    lane.stepped(20);
    expect(lane.readFrom).toBe(20);
  });

  it('writes a failed attempt as a row, and holds the resource’s later events behind it as rows too', () => {
    const lane = taken();
    const [a1, b1, a2] = sends([11, 'a'], [12, 'b'], [13, 'a']);
    lane.add({ sends: [a1!, b1!, a2!], through: 13, pending: new Set() });
    expect(lane.settle(a1!, false, refused)).toBeUndefined();
    lane.settle(b1!, true, ok);
    // Read before the rows are in the database: 'a' is still held by this lane.
    const [a4, c4] = sends([14, 'a'], [15, 'c']);
    expect(positions(lane.add({ sends: [a4!, c4!], through: 15, pending: new Set() }))).toEqual([15]);
    lane.settle(c4!, true, ok);
    const step = lane.step();
    expect(step).toMatchObject({ from: 10, to: 15 });
    expect(step.rows).toEqual([
      { deliveryId: 'd11', position: 11, eventId: 'e11', resourceKey: 'User:a', failed: refused },
      { deliveryId: 'd13', position: 13, eventId: 'e13', resourceKey: 'User:a' },
      { deliveryId: 'd14', position: 14, eventId: 'e14', resourceKey: 'User:a' },
    ]);
    lane.stepped(15);
    // The rows are written: from here on the database says whether 'a' has one pending.
    const [a6] = sends([16, 'a']);
    expect(positions(lane.add({ sends: [a6!], through: 16, pending: new Set() }))).toEqual([16]);
  });

  it('holds an event whose resource has a pending row in the database', () => {
    const lane = taken();
    const [a, b] = sends([11, 'a'], [12, 'b']);
    expect(positions(lane.add({ sends: [a!, b!], through: 12, pending: new Set(['User:a']) }))).toEqual([12]);
    lane.settle(b!, true, ok);
    expect(lane.step().rows).toEqual([{ deliveryId: 'd11', position: 11, eventId: 'e11', resourceKey: 'User:a' }]);
  });

  it('starts over from the database’s cursor when the lane was lost, and drops what was in flight', () => {
    const lane = taken();
    const [a] = sends([11, 'a']);
    lane.add({ sends: [a!], through: 11, pending: new Set() });
    const generation = lane.generation;
    lane.step();
    lane.stepped(null);
    expect(lane.cursor).toBeNull();
    expect(lane.generation).not.toBe(generation);
    expect(lane.settle(a!, true, ok)).toBeUndefined();
    expect(lane.step()).toEqual({ webhookId: 'w' });
    lane.stepped(30);
    expect(lane.readFrom).toBe(30);
    expect(lane.outstanding).toBe(0);
  });

  it('gives up what it read when its lease lapses, and counts its lease from before the round', () => {
    const lane = new EndpointLane('w', 60_000);
    lane.step();
    lane.stepped(10, 1_000);
    expect(lane.leaseUntil).toBe(61_000);
    const [a] = sends([11, 'a']);
    lane.add({ sends: [a!], through: 11, pending: new Set() });
    const generation = lane.generation;
    lane.lapse();
    expect(lane.cursor).toBeNull();
    expect(lane.leaseUntil).toBe(0);
    expect(lane.generation).not.toBe(generation);
    expect(lane.outstanding).toBe(0);
  });

  it('stays lapsed when its lease lapsed while a step was on its way, until its attempts have ended', () => {
    const lane = taken();
    const [a, b] = sends([11, 'a'], [12, 'b']);
    lane.add({ sends: [a!, b!], through: 12, pending: new Set() });
    lane.settle(a!, true, ok);
    lane.sending = 1; // b's attempt, still in flight
    expect(lane.step()).toMatchObject({ from: 10, to: 11 });
    lane.lapse();
    lane.stepped(11); // the database moved it: this worker is still the holder
    expect(lane.cursor).toBeNull();
    // Taken again once b's attempt has ended, from where the database has it: b is read and sent again.
    lane.sending = 0;
    expect(lane.step()).toEqual({ webhookId: 'w' });
    lane.stepped(11);
    expect(lane.cursor).toBe(11);
    expect(positions(lane.add({ sends: [b!], through: 12, pending: new Set() }))).toEqual([12]);
  });

  it('asks for a step only when it has something to move or a lease to renew', () => {
    const lane = taken();
    expect(lane.needsStep(Date.now())).toBe(false);
    expect(lane.needsStep(Date.now() + 30_000)).toBe(true); // a third of the lease gone
    const [a] = sends([11, 'a']);
    lane.add({ sends: [a!], through: 11, pending: new Set() });
    expect(lane.needsStep(Date.now())).toBe(false); // sending
    lane.settle(a!, true, ok);
    expect(lane.needsStep(Date.now())).toBe(true);
    expect(lane.step(true)).toMatchObject({ to: 11, release: true });
  });
});
