import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` (vite, web/vite.config.ts) writes the console: the same from src/ and dist/. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * Only this origin: the console is one bundle served by Roster, loads nothing from elsewhere (no CDN,
 * it works offline on a LAN) and is never framed.
 */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Paths the console never answers: the APIs keep their own 404s in their own error shapes. */
const RESERVED = /^\/(?:(?:scim|api|metrics)(?:[/?#.]|$)|health|readyz)/i;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface ConsoleFile {
  readonly body: Buffer;
  readonly type: string;
  /** Vite names what it emits under assets/ by a hash of the content: cacheable for ever. */
  readonly immutable: boolean;
}

function readTree(dir: string, prefix = ''): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const urlPath = `${prefix}/${entry.name}`;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      for (const [p, f] of readTree(full, urlPath)) files.set(p, f);
    } else {
      files.set(urlPath, { body: readFileSync(full), type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream', immutable: urlPath.startsWith('/assets/') });
    }
  }
  return files;
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Roster</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto"><h1>Roster</h1>
<p>The admin console has not been built. Run <code>npm run build</code> (it runs at <code>npm install</code>) and restart Roster.</p>
<p>The admin API answers at <code>/api/v1</code> and SCIM at <code>/scim/v2</code>.</p></body></html>`;

/**
 * Serves the admin console (web/, a React single-page app) at `/`: its files as built, and its
 * index.html for any other GET outside the APIs, so a reload of `/directories/…` lands in the app.
 * The files are read once at start (a few hundred KB); a rebuild is served after a restart.
 */
export function registerConsole(app: FastifyInstance, options: { dir?: string } = {}): { readonly built: boolean; readonly handles: (request: FastifyRequest) => boolean; readonly send: (request: FastifyRequest, reply: FastifyReply) => FastifyReply } {
  const dir = options.dir ?? CONSOLE_DIR;
  const built = existsSync(path.join(dir, 'index.html'));
  const files = built ? readTree(dir) : new Map<string, ConsoleFile>();
  const index = files.get('/index.html');

  function sendFile(reply: FastifyReply, file: ConsoleFile) {
    reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.code(200).type(file.type).send(file.body);
  }

  function sendIndex(reply: FastifyReply) {
    // index.html is never cached: it names the current hashed bundle.
    reply.header('content-security-policy', CONSOLE_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin').header('x-frame-options', 'DENY');
    if (!index) return reply.code(503).header('cache-control', 'no-cache').type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(NOT_BUILT);
    return sendFile(reply, index);
  }

  const pathOf = (request: FastifyRequest) => {
    const url = request.raw.url ?? request.url;
    const q = url.search(/[?#]/);
    return q < 0 ? url : url.slice(0, q);
  };

  /** Whether a request that no route took is the console's: a GET or HEAD outside the APIs. */
  const handles = (request: FastifyRequest) => (request.method === 'GET' || request.method === 'HEAD') && !RESERVED.test(pathOf(request));

  function send(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const p = pathOf(request);
    let decoded: string;
    try {
      decoded = decodeURIComponent(p);
    } catch {
      decoded = p;
    }
    const file = files.get(decoded);
    if (file && decoded !== '/index.html') {
      reply.header('x-content-type-options', 'nosniff');
      return sendFile(reply, file);
    }
    // A file name that is not there (an old bundle's chunk) is a 404, not the app's HTML.
    if (/\.[a-z0-9]+$/i.test(decoded) && decoded !== '/index.html') {
      return reply.code(404).header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send(`no file ${decoded}`);
    }
    return sendIndex(reply);
  }

  app.get('/', (request, reply) => send(request, reply));
  return { built, handles, send };
}
