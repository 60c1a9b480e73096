// The local webhook receiver of the benchmarks: a bare node:http server answering 204 to every POST,
// in a worker thread of the benchmark's process, so that neither Roster in-process (bench/delivery.ts)
// nor the load generator (bench/run.ts, issue 10's check) shares its event loop. An app's receiver is
// not part of the IdP driving the SCIM requests; on the load generator's loop it delayed the requests.
import { Worker } from 'node:worker_threads';

const RECEIVER = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
let count = 0;
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { count++; res.writeHead(204).end(); }); });
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => { if (m === 'count') parentPort.postMessage({ count }); if (m === 'close') server.close(() => process.exit(0)); });
`;

export async function startReceiver(): Promise<{ url: string; count(): Promise<number>; close(): Promise<number> }> {
  const worker = new Worker(RECEIVER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once('message', (m: { port: number }) => resolve(m.port)));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    count: () => new Promise<number>((resolve) => (worker.once('message', (m: { count: number }) => resolve(m.count)), worker.postMessage('count'))),
    close: () => worker.terminate(),
  };
}

