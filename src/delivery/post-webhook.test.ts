import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookPoster } from './post-webhook.ts';

/** A receiver on 127.0.0.1 answering each request as `answer` says; it keeps what it was sent. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const received: { headers: IncomingMessage['headers']; body: string; url: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, url: req.url ?? '' });
      answer(req, res, body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/roster?tenant=a`, received };
}

const servers: Server[] = [];
const posters: ReturnType<typeof createWebhookPoster>[] = [];
function poster(timeoutMs = 2_000) {
  const p = createWebhookPoster({ timeoutMs, connections: 4 });
  posters.push(p);
  return p;
}

afterEach(async () => {
  // Receivers first: a poster waiting on one that never answers would otherwise hold up the hook.
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
  for (const p of posters.splice(0)) await p.close();
});

describe('createWebhookPoster', () => {
  it('posts the body and headers to the path and query of the URL; a 2xx is delivered', async () => {
    const r = await receiver((_req, res) => res.writeHead(204).end());
    const result = await poster().post(r.url, '{"id":"e1"}', { 'roster-event-id': 'e1' });
    expect(result).toEqual({ ok: true, httpStatus: 204, error: null });
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.url).toBe('/hooks/roster?tenant=a');
    expect(r.received[0]!.body).toBe('{"id":"e1"}');
    expect(r.received[0]!.headers['content-type']).toBe('application/json');
    expect(r.received[0]!.headers['user-agent']).toBe('Roster-Webhooks/1');
    expect(r.received[0]!.headers['roster-event-id']).toBe('e1');
  });

  it('any other status fails the attempt with the status', async () => {
    const r = await receiver((_req, res) => res.writeHead(500).end('boom'));
    const p = poster();
    expect(await p.post(r.url, '{}', {})).toEqual({ ok: false, httpStatus: 500, error: 'HTTP 500' });
    const redirect = await receiver((_req, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    expect(await p.post(redirect.url, '{}', {})).toEqual({ ok: false, httpStatus: 302, error: 'HTTP 302' });
  });

  it('an informational answer is not taken for the final one', async () => {
    const r = await receiver((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.writeHead(200).end('ok');
    });
    const p = poster();
    expect(await p.post(r.url, '{}', {})).toEqual({ ok: true, httpStatus: 200, error: null });
    // A receiver that hangs up after a 103: the attempt failed, with no status of its own.
    const hangsUp = await receiver((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const result = await p.post(hangsUp.url, '{}', {});
    expect(result.ok).toBe(false);
    expect(result.httpStatus).toBeNull();
    expect(result.error).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
  });

  it('a huge response body is not read to its end: the status decides, and the next attempt still goes through', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    let sentAll = false;
    let answered = 0;
    const r = await receiver((_req, res) => {
      if (++answered > 1) return void res.writeHead(202).end();
      res.on('finish', () => (sentAll = true));
      res.writeHead(200, { 'content-type': 'text/plain' });
      // 16 MiB, written as the socket takes it: the attempt must not wait for all of it.
      let left = 256;
      const more = () => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('error', () => undefined);
      more();
    });
    const p = poster();
    expect(await p.post(r.url, '{}', {})).toEqual({ ok: true, httpStatus: 200, error: null });
    expect(sentAll).toBe(false);
    // The same origin again: the connection given up is replaced.
    expect(await p.post(r.url, '{}', {})).toEqual({ ok: true, httpStatus: 202, error: null });
  });

  it('a refused connection fails with its code', async () => {
    const r = await receiver((_req, res) => res.end());
    const url = r.url;
    for (const s of servers.splice(0)) s.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await poster().post(url, '{}', {})).toEqual({ ok: false, httpStatus: null, error: 'ECONNREFUSED' });
  });

  it('a receiver that never answers fails the attempt as a timeout within the limit', async () => {
    const r = await receiver(() => undefined);
    const started = Date.now();
    const result = await poster(400).post(r.url, '{}', {});
    expect(result).toEqual({ ok: false, httpStatus: null, error: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('abortAll ends every attempt in flight at once, including those waiting for a connection', async () => {
    const r = await receiver(() => undefined);
    const p = createWebhookPoster({ timeoutMs: 10_000, connections: 2 });
    posters.push(p);
    const attempts = Array.from({ length: 5 }, () => p.post(r.url, '{}', {}));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const aborted = Date.now();
    p.abortAll();
    for (const attempt of attempts) expect(await attempt).toEqual({ ok: false, httpStatus: null, error: 'aborted: shutting down' });
    expect(Date.now() - aborted).toBeLessThan(1_000);
    // Only the two on a connection reached the receiver; the queued ones are never sent.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.received).toHaveLength(2);
  });
});
