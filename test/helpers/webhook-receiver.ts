import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifySignature } from '../../src/delivery/sign-payload.ts';

/** How the receiver behaves: answer 200, answer 500, never answer (the sender times out), or refuse connections. */
export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'refuse';

export interface Received {
  readonly id: string;
  readonly type: string;
  readonly resourceId: string;
  readonly body: string;
  readonly attempt: number;
  readonly deliveryId: string;
  /** What the receiver answered: 200, 500, or 0 for no answer. */
  readonly answered: number;
  readonly signatureValid: boolean;
}

/**
 * A webhook receiver on 127.0.0.1 whose behaviour a test switches. In `refuse` mode the port is
 * closed (connections refused, open ones cut); switching back listens on the same port again.
 */
export async function startReceiver(options: { delayMs?: () => number; answer?: (eventId: string) => 200 | 500 } = {}) {
  let mode: ReceiverMode = 'ok';
  let secret = '';
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let onRequest: ((r: Received) => void) | undefined;
  /** Event ids being handled right now, and every time one arrived while it already was. */
  const handling = new Set<string>();
  const overlaps: string[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      const event = JSON.parse(body);
      const answered = mode === 'ok' ? (options.answer?.(event.id) ?? 200) : mode === 'fail' ? 500 : 0;
      if (handling.has(event.id)) overlaps.push(event.id);
      handling.add(event.id);
      const r: Received = {
        id: event.id,
        type: event.type,
        resourceId: event.resourceId,
        body,
        attempt: Number(req.headers['roster-delivery-attempt']),
        deliveryId: String(req.headers['roster-delivery-id']),
        answered,
        signatureValid: verifySignature(secret, body, String(req.headers['roster-signature'] ?? '')),
      };
      received.push(r);
      onRequest?.(r);
      if (answered === 0) {
        hanging.add(res);
        return;
      }
      const delay = options.delayMs?.() ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      handling.delete(event.id);
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered === 200 ? 'ok' : 'receiver failing');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  function cutConnections(): void {
    for (const res of hanging) res.destroy();
    hanging.clear();
    for (const s of sockets) s.destroy();
  }

  return {
    url: `http://127.0.0.1:${port}/hooks/roster`,
    received,
    overlaps,
    setSecret(value: string) {
      secret = value;
    },
    /** Called for every request as it arrives (before the answer). */
    onRequest(fn: (r: Received) => void) {
      onRequest = fn;
    },
    async setMode(next: ReceiverMode): Promise<void> {
      if (next === mode) return;
      const was = mode;
      mode = next;
      if (next === 'refuse') {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          cutConnections();
        });
      } else if (was === 'refuse') {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => resolve());
        });
      }
      if (was === 'hang') cutConnections();
    },
    /** Events the receiver acknowledged with a 2xx, by id (the first acknowledgement of each). */
    acknowledged(): Map<string, Received> {
      const out = new Map<string, Received>();
      for (const r of received) if (r.answered === 200 && !out.has(r.id)) out.set(r.id, r);
      return out;
    },
    async close(): Promise<void> {
      cutConnections();
      if (mode !== 'refuse') await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Polls `check` until it holds, at most `rounds` times `everyMs` (bounded; the test fails otherwise). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, rounds = 600, everyMs = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/**
 * The at-least-once contract a consumer relies on, checked on what a receiver saw: every expected
 * event acknowledged; a repeated id carries the same body; and per resource, events arrive in feed
 * order — the last arrival of event k comes before the first arrival of event k+1.
 */
export function deliveryProblems(received: readonly Received[], expected: readonly { id: string; resourceId: string }[]): string[] {
  const problems: string[] = [];
  const acked = new Set(received.filter((r) => r.answered === 200).map((r) => r.id));
  for (const e of expected) if (!acked.has(e.id)) problems.push(`event ${e.id} never acknowledged`);
  const expectedIds = new Set(expected.map((e) => e.id));
  for (const r of received) if (!expectedIds.has(r.id)) problems.push(`unexpected event ${r.id} (${r.type})`);
  const bodies = new Map<string, string>();
  for (const r of received) {
    if (!r.signatureValid) problems.push(`bad signature on ${r.id}`);
    if (bodies.has(r.id) && bodies.get(r.id) !== r.body) problems.push(`event ${r.id} arrived twice with different bodies`);
    bodies.set(r.id, r.body);
  }
  const byResource = new Map<string, string[]>();
  for (const e of expected) byResource.set(e.resourceId, [...(byResource.get(e.resourceId) ?? []), e.id]);
  for (const [resource, ids] of byResource) {
    for (let k = 0; k + 1 < ids.length; k++) {
      const lastOfK = received.findLastIndex((r) => r.id === ids[k]);
      const firstOfNext = received.findIndex((r) => r.id === ids[k + 1]);
      if (firstOfNext !== -1 && lastOfK > firstOfNext) problems.push(`resource ${resource}: event ${ids[k + 1]} arrived before ${ids[k]} was done`);
    }
  }
  return problems;
}
