// Summarizes a V8 .cpuprofile of the Roster server (node --cpu-prof; see profile-server.ts): the top
// functions by self time, and the main thread's time split by area. Only the profile's last
// `seconds` are read (the measured phase), and idle time is left out of the percentages.
//
//   node --import tsx bench/dev/profile-summary.ts <file.cpuprofile> [seconds=10] [top=15] [ops/s]
//
// With the phase's ops/s, each line also gives µs per request (busy time ÷ requests in the window).
// The profile samples the main thread's wall time: a thread the OS has descheduled inside a syscall
// keeps being sampled there, so on a shared 2-core machine `writev` (the socket write) also holds the
// time the server waited for a core while the load generator ran. Compare µs per request with the
// floor's (PROFILE_SERVER=floor) rather than shares alone.
//
// Areas are assigned innermost first: each sample goes to the area of the deepest frame that has one.
// Built-ins without a script (Array.prototype.map, the crypto binding, …) take their caller's area,
// except JSON.parse/stringify, the SQLite binding's statement calls and the garbage collector, which
// are areas of their own. The inclusive table counts a sample for every area on its stack. V8 usually
// gives JSON.parse/JSON.stringify no frame: their time is the self time of the caller (Fastify's
// `serialize` is JSON.stringify of the reply; Roster's `toStored` is JSON.parse of a row), and likewise
// better-sqlite3's statement calls are the self time of Roster's `executeQuery` (counted as the driver).
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, secondsArg = '10', topArg = '15', opsArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-summary.ts <file.cpuprofile> [seconds] [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const windowMicros = Number(secondsArg) * 1e6;
const top = Number(topArg);

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString']);
const SQLITE_CALLS = new Set(['get', 'all', 'run', 'iterate', 'prepare', 'exec', 'pragma', 'raw', 'pluck', 'columns']);

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/');
}

/** The area of one frame, or undefined when it takes its caller's. */
function areaOf(frame: CallFrame, parent: CallFrame | undefined): string | undefined {
  const { functionName: name, url } = frame;
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (unattributed)';
  if (name === '(idle)') return 'idle';
  if (url === '') {
    if (SOCKET_WRITES.has(name)) return 'socket writes (writev syscall)';
    if (name === 'parse') return 'JSON.parse';
    if (name === 'stringify') return 'JSON.stringify';
    if (SQLITE_CALLS.has(name) && parent !== undefined && /better-sqlite3|sqlite-driver|\/store\//.test(parent.url)) {
      return 'driver (better-sqlite3 native)';
    }
    return undefined;
  }
  if (url.includes('/node_modules/better-sqlite3/')) return 'driver (better-sqlite3 native)';
  if (url.includes('/node_modules/kysely/')) {
    return /query-compiler|operation-node|query-builder|\/parser\/|expression|raw-builder|query-creator|plugin/.test(url)
      ? 'Kysely build + compile'
      : 'Kysely execute (driver glue, connection, result)';
  }
  if (/\/node_modules\/(fastify|find-my-way|avvio|@fastify|light-my-request|fast-json-stringify|secure-json-parse|fast-querystring|fast-uri|toad-cache|process-warning|abstract-logging|ret|safe-regex2|fast-decode-uri-component|json-schema-ref-resolver|rfdc)\//.test(url)) {
    return 'Fastify';
  }
  if (/\/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|on-exit-leak-free|quick-format-unescaped|atomic-sleep|safe-stable-stringify)\//.test(url)) return 'logging (pino)';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (url.includes('/node_modules/tsx/') || url.includes('/node_modules/esbuild/')) return 'tsx';
  const dependency = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency !== null) return `dependency ${dependency[1]}`;
  if (url.startsWith('node:internal/crypto')) return undefined;
  if (/^node:(_http|net|internal\/(streams|http|stream_base|net|js_stream|dns|perf)|stream|events|internal\/event_target|http|timers|internal\/timers|internal\/async_hooks|internal\/process\/task_queues|buffer|internal\/buffer|string_decoder)/.test(url)) {
    return 'Node http/net/streams/events';
  }
  if (url.startsWith('node:')) return 'Node core other';
  const source = /\/src\/(.*)$/.exec(url)?.[1];
  if (source !== undefined) {
    // better-sqlite3's statement calls are C++ without a frame of their own: their time is the self time
    // of the JavaScript that calls them (Roster's driver, the floor's handlers).
    if (source === 'store/sqlite/sqlite-driver.ts' && name === 'executeQuery') return 'driver (better-sqlite3 native)';
    if (/authenticate|directories\/|secrets|admin-key/.test(source)) return 'Roster auth (token check)';
    if (/project-resource|render-resource|list-response|send-scim|send-v1|etag/.test(source)) return 'Roster projection + rendering';
    if (/normalize|validate-resource|^idp\//.test(source)) return 'Roster normalization + validation + IdP quirks';
    if (/filter/.test(source)) return 'Roster filter parse/compile';
    if (/patch/.test(source)) return 'Roster PATCH apply';
    if (/^store\//.test(source)) return 'Roster store (query code)';
    if (/^domain\//.test(source)) return 'Roster domain services';
    if (/^http\//.test(source)) return 'Roster HTTP routes + glue';
    return `Roster other (${source})`;
  }
  if (url.includes('/bench/floor-server.ts')) return 'floor handlers (incl. the SQLite native calls)';
  return `other (${shortUrl(url)})`;
}

// The samples of the window: sample i ends at startTime + sum(timeDeltas[0..i]).
const times: number[] = [];
let clock = profile.startTime;
for (const delta of profile.timeDeltas) {
  clock += delta;
  times.push(clock);
}
const windowStart = (times.at(-1) ?? profile.endTime) - windowMicros;

const selfByFunction = new Map<string, number>();
const selfByArea = new Map<string, number>();
const selfByAreaFunction = new Map<string, Map<string, number>>();
const inclusiveByArea = new Map<string, number>();
const inclusiveByFunction = new Map<string, number>();
let busy = 0;
let idle = 0;

const add = (map: Map<string, number>, key: string, value: number): void => {
  map.set(key, (map.get(key) ?? 0) + value);
};
// Sources run through tsx report no useful line (the transpiled module is one line); name them by file.
const label = (frame: CallFrame): string =>
  `${frame.functionName || '(anonymous)'} ${
    frame.url === '' ? '(native)' : frame.url.startsWith('file:') && !frame.url.includes('/node_modules/') ? shortUrl(frame.url) : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`
  }`;

for (let i = 0; i < profile.samples.length; i += 1) {
  if (times[i] < windowStart) continue;
  // Time of a sample: the gap to the next one (the last sample gets the previous gap).
  const weight = (times[i + 1] ?? times[i]) - times[i] || profile.timeDeltas[i] || 0;
  const leaf = byId.get(profile.samples[i])!;
  if (leaf.callFrame.functionName === '(idle)') {
    idle += weight;
    continue;
  }
  busy += weight;
  add(selfByFunction, label(leaf.callFrame), weight);
  let area: string | undefined;
  const seenAreas = new Set<string>();
  const seenFunctions = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parentOf.get(id)) {
    const node = byId.get(id)!;
    const parentId = parentOf.get(id);
    const found = areaOf(node.callFrame, parentId === undefined ? undefined : byId.get(parentId)!.callFrame);
    if (found !== undefined) {
      area ??= found;
      seenAreas.add(found);
    }
    if (node.callFrame.functionName !== '(root)') seenFunctions.add(label(node.callFrame));
  }
  const areaName = area ?? 'unattributed (native, no script on the stack)';
  add(selfByArea, areaName, weight);
  let functions = selfByAreaFunction.get(areaName);
  if (functions === undefined) selfByAreaFunction.set(areaName, (functions = new Map()));
  add(functions, label(leaf.callFrame), weight);
  for (const seen of seenAreas) add(inclusiveByArea, seen, weight);
  for (const seen of seenFunctions) add(inclusiveByFunction, seen, weight);
}

const requests = opsArg === undefined ? undefined : Number(opsArg) * Number(secondsArg);
const pct = (value: number): string =>
  `${((value / busy) * 100).toFixed(1)} %` + (requests === undefined ? '' : ` ${(value / requests).toFixed(1).padStart(6)} µs`);
const table = (title: string, map: Map<string, number>, limit: number): string =>
  [
    `${title}`,
    ...[...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, value]) => `  ${pct(value).padStart(7)}  ${key}`),
  ].join('\n');

process.stdout.write(
  [
    `${file}: last ${secondsArg} s, main thread busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s` +
      (requests === undefined ? ' ' : `, ${Math.round(requests)} requests: ${(busy / requests).toFixed(1)} µs busy per request `) +
      `(busy ${((busy / (busy + idle)) * 100).toFixed(0)} % of the window); percentages are of the busy time`,
    '',
    table(`top ${top} functions by self time:`, selfByFunction, top),
    '',
    table('self time by area (innermost frame with an area):', selfByArea, 40),
    '',
    'the leaf functions of the largest areas:',
    ...[...selfByArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([area, value]) => table(`  ${area} (${pct(value)}):`, selfByAreaFunction.get(area)!, 6)),
    '',
    table('inclusive time by area (any frame of the area on the stack):', inclusiveByArea, 40),
    '',
    table('top 30 functions by inclusive time:', inclusiveByFunction, 30),
    '',
  ].join('\n'),
);
