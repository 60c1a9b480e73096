import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is a `# HELP`, a `# TYPE` naming a
 * known type, or a sample of a family declared before it; label values are quoted with escapes.
 */
function parseExposition(text: string): { types: Map<string, string>; samples: ParsedSample[] } {
  const types = new Map<string, string>();
  const samples: ParsedSample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    if (help) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    expect(sample, `unparsable line: ${line}`).not.toBeNull();
    const [, name, labelText, value] = sample!;
    const family = name!.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(name!) || types.get(family) === 'histogram', `sample before its TYPE: ${line}`).toBe(true);
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
      let consumed = 0;
      for (let m = re.exec(labelText); m; m = re.exec(labelText)) {
        labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
        consumed = re.lastIndex;
      }
      expect(consumed, `bad labels: ${line}`).toBe(labelText.length);
    }
    samples.push({ name: name!, labels, value: Number(value === '+Inf' ? Infinity : value) });
  }
  return { types, samples };
}

const find = (samples: ParsedSample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describeEachEngine('/metrics', (engine) => {
  let roster: RosterUnderTest;
  let key: string;

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    key = (await roster.services.adminKeys.create('prometheus')).key;
  });
  afterAll(() => roster.close());

  const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${key}` }) => fetch(`${roster.origin}/metrics`, { headers });

  it('refuses a scraper without an admin key', async () => {
    expect((await scrape({})).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer rsk_wrong' })).status).toBe(401);
  });

  it('parses as Prometheus text and counts requests by directory, operation and status, with latency histograms', async () => {
    const scim = await roster.directory();
    for (let i = 0; i < 3; i++) expect((await scim.post('/Users', userBody(`m${i}@example.com`))).status).toBe(201);
    expect((await scim.post('/Users', userBody('m0@example.com'))).status).toBe(409);
    for (let i = 0; i < 2; i++) expect((await scim.get('/Users?count=1')).status).toBe(200);
    expect((await roster.client(scim.baseUrl, 'rst_wrong').get('/Users')).status).toBe(401);

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { types, samples } = parseExposition(await res.text());
    expect(types.get('roster_scim_requests_total')).toBe('counter');
    expect(types.get('roster_scim_request_duration_seconds')).toBe('histogram');
    const d = scim.directoryId;
    expect(find(samples, 'roster_scim_requests_total', { directory: d, operation: 'User.create', status: '201' })).toBe(3);
    expect(find(samples, 'roster_scim_requests_total', { directory: d, operation: 'User.create', status: '409' })).toBe(1);
    expect(find(samples, 'roster_scim_requests_total', { directory: d, operation: 'User.list', status: '200' })).toBe(2);
    // A refused token is not counted under the directory it named.
    expect(find(samples, 'roster_scim_requests_total', { directory: '', operation: 'User.list', status: '401' })).toBeGreaterThanOrEqual(1);
    expect(find(samples, 'roster_scim_request_duration_seconds_count', { directory: d, operation: 'User.create' })).toBe(4);
    expect(find(samples, 'roster_scim_request_duration_seconds_bucket', { directory: d, operation: 'User.create', le: '+Inf' })).toBe(4);
    const buckets = samples.filter((s) => s.name === 'roster_scim_request_duration_seconds_bucket' && s.labels.directory === d && s.labels.operation === 'User.create').map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(find(samples, 'roster_db_pool_connections', { engine, state: 'total' })).toBeGreaterThanOrEqual(1);
    for (const name of ['roster_outbox_lag_seconds', 'roster_webhook_attempts_total', 'roster_webhook_dead_letters_total', 'roster_request_log_buffered']) expect(types.has(name), name).toBe(true);
  });
});

describe('/metrics allow-list', () => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({ ROSTER_METRICS_ALLOWLIST: '127.0.0.0/8' });
  });
  afterAll(() => roster.close());

  it('lets an address in ROSTER_METRICS_ALLOWLIST scrape without a key', async () => {
    const res = await fetch(`${roster.origin}/metrics`);
    expect(res.status).toBe(200);
    parseExposition(await res.text());
  });
});

describe('/metrics allow-list elsewhere', () => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({ ROSTER_METRICS_ALLOWLIST: '10.0.0.0/8' });
  });
  afterAll(() => roster.close());

  it('still asks an address outside it for a key', async () => {
    expect((await fetch(`${roster.origin}/metrics`)).status).toBe(401);
  });
});

describeEachEngine('per-directory rate limit', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    // A tenth of a request per second: the burst of 3 is all a test sees, whatever the machine's speed.
    roster = await startRoster({ ROSTER_RATE_LIMIT_PER_SECOND: '0.1', ROSTER_RATE_LIMIT_BURST: '3' }, engine);
  });
  afterAll(() => roster.close());

  it('answers 429 with Retry-After and a SCIM error over the limit, for that directory only', async () => {
    const limited = await roster.directory();
    const other = await roster.directory();
    for (let i = 0; i < 3; i++) expect((await limited.post('/Users', userBody(`r${i}@example.com`))).status).toBe(201);
    const refused = await limited.post('/Users', userBody('r3@example.com'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' });
    expect(refused.body.detail).toMatch(/too many requests/);
    // Nothing was written.
    expect((await roster.services.directories.get(limited.directoryId)).users).toBe(3);
    // SCIM 1.1 shares the bucket and answers in its own error shape.
    const v1 = await roster.client(`${roster.origin}/scim/v1/${limited.directoryId}`, limited.token).get('/Users');
    expect(v1.status).toBe(429);
    expect(v1.body).toMatchObject({ Errors: [{ code: '429' }] });
    // Another directory has its own bucket.
    expect((await other.get('/Users')).status).toBe(200);
    const st = await roster.services.provisioningStatus(limited.directoryId);
    expect(st.lastHour.errors).toBe(2);
  });
});

describe('rate limit below its ceiling', () => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({ ROSTER_RATE_LIMIT_PER_SECOND: '1000', ROSTER_RATE_LIMIT_BURST: '100' });
  });
  afterAll(() => roster.close());

  it('serves every request normally', async () => {
    const scim = await roster.directory();
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => scim.post('/Users', userBody(`n${i}@example.com`)).then((r) => r.status)));
    expect(statuses).toEqual(Array(50).fill(201));
  });
});
