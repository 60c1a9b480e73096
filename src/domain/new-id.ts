import { randomFillSync } from 'node:crypto';

/**
 * Ids of the rows Roster writes most (SCIM users and groups, accounts, org groups, events,
 * deliveries): time-ordered UUIDs, version 7 of RFC 9562, with a 12-bit counter inside each
 * millisecond (its method 1) so the ids one process makes only grow.
 *
 * Why not random (v4): every index keyed by an id takes its new entry on a random page, and a
 * commit writes every page it touched. Ids that grow land on the index's last page instead: a
 * SCIM create with a realistic rule set wrote 18.9 pages of SQLite's log with v4 ids (measured in
 * bench/org.ts). They stay UUIDs to every client; the time they reveal is the resource's
 * `meta.created` anyway, and 62 random bits keep two nodes' ids apart.
 */
export function newId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    // A random start leaves most of the 4,096 values for ids made later in the same millisecond.
    const o = random(2);
    counter = ((pool[o]! << 8) | pool[o + 1]!) & 0x7ff;
  } else {
    ms = lastMs;
    if (++counter > 0xfff) {
      // 4,096 ids in one millisecond: borrow the next one, so the order holds.
      ms = ++lastMs;
      counter = 0;
    }
  }
  const r = random(8);
  return (
    hex(ms / 2 ** 40) + hex(ms / 2 ** 32) + hex(ms / 2 ** 24) + hex(ms / 2 ** 16) + '-' +
    hex(ms / 2 ** 8) + hex(ms) + '-' +
    hex(0x70 | (counter >>> 8)) + hex(counter) + '-' +
    hex(0x80 | (pool[r]! & 0x3f)) + hex(pool[r + 1]!) + '-' +
    hex(pool[r + 2]!) + hex(pool[r + 3]!) + hex(pool[r + 4]!) + hex(pool[r + 5]!) + hex(pool[r + 6]!) + hex(pool[r + 7]!)
  );
}

let lastMs = 0;
let counter = 0;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (n: number) => HEX[Math.floor(n) & 0xff]!;

// Random bytes drawn from the system in blocks, as Node's own randomUUID does.
const pool = Buffer.alloc(4096);
let used = pool.length;

/** The offset of `n` fresh random bytes in `pool`. */
function random(n: number): number {
  if (used + n > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const at = used;
  used += n;
  return at;
}
