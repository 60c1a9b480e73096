/**
 * A small metrics registry: counters, gauges and histograms with labels, read as a snapshot that
 * src/http/metrics/ renders in Prometheus's text format. Written here rather than taken from
 * prom-client (not a dependency of Roster): the three types are a few lines each, and recording a
 * sample is one Map lookup on the request path.
 *
 * Any part of Roster registers its metrics on the registry `createServices` holds
 * (`services.metrics.registry`); `ops-metrics.ts` declares the ones Roster has today, including
 * those the delivery worker fills (outbox lag, webhook attempts, dead letters).
 */

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  /** The metric name with its suffix (`_bucket`, `_sum`, `_count` for histograms). */
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly samples: readonly Sample[];
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Gauge {
  set(labels: Labels, value: number): void;
  inc(labels?: Labels, by?: number): void;
}

export interface Histogram {
  observe(labels: Labels, value: number): void;
}

/** Reads a gauge's values when the registry is collected (a pool's state, a buffer's length). */
export type GaugeCollector = () => readonly { labels: Labels; value: number }[] | Promise<readonly { labels: Labels; value: number }[]>;

/** Latency buckets in seconds, from 1 ms (a cached read) to 10 s (a large bulk). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

interface Series<V> {
  readonly labels: Labels;
  value: V;
}

function keyOf(labelNames: readonly string[], labels: Labels): string {
  if (labelNames.length === 1) return labels[labelNames[0]!] ?? '';
  let key = '';
  for (const n of labelNames) key += (labels[n] ?? '') + '\u0000';
  return key;
}

function pick(labelNames: readonly string[], labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const n of labelNames) out[n] = labels[n] ?? '';
  return out;
}

export function createMetricsRegistry() {
  const families = new Map<string, { help: string; type: MetricFamily['type']; collect: () => Promise<Sample[]> | Sample[] }>();

  function register(name: string, help: string, type: MetricFamily['type'], collect: () => Promise<Sample[]> | Sample[]): void {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    if (families.has(name)) throw new Error(`metric ${name} is registered twice`);
    families.set(name, { help, type, collect });
  }

  function valueSeries(labelNames: readonly string[]) {
    const series = new Map<string, Series<number>>();
    return {
      series,
      add(labels: Labels, by: number, replace: boolean) {
        const key = keyOf(labelNames, labels);
        const found = series.get(key);
        if (found) found.value = replace ? by : found.value + by;
        else series.set(key, { labels: pick(labelNames, labels), value: by });
      },
    };
  }

  return {
    counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
      const s = valueSeries(labelNames);
      register(name, help, 'counter', () => [...s.series.values()].map((v) => ({ name, labels: v.labels, value: v.value })));
      return { inc: (labels = {}, by = 1) => s.add(labels, by, false) };
    },

    gauge(name: string, help: string, labelNames: readonly string[] = [], collector?: GaugeCollector): Gauge {
      const s = valueSeries(labelNames);
      register(name, help, 'gauge', async () => {
        if (collector) for (const { labels, value } of await collector()) s.add(labels, value, true);
        return [...s.series.values()].map((v) => ({ name, labels: v.labels, value: v.value }));
      });
      return { set: (labels, value) => s.add(labels, value, true), inc: (labels = {}, by = 1) => s.add(labels, by, false) };
    },

    histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = LATENCY_BUCKETS_SECONDS): Histogram {
      const series = new Map<string, Series<{ counts: number[]; sum: number; count: number }>>();
      register(name, help, 'histogram', () =>
        [...series.values()].flatMap(({ labels, value }) => {
          let cumulative = 0;
          const out: Sample[] = buckets.map((le, i) => {
            cumulative += value.counts[i]!;
            return { name: `${name}_bucket`, labels: { ...labels, le: String(le) }, value: cumulative };
          });
          out.push({ name: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: value.count });
          out.push({ name: `${name}_sum`, labels, value: value.sum });
          out.push({ name: `${name}_count`, labels, value: value.count });
          return out;
        }),
      );
      return {
        observe(labels, v) {
          const key = keyOf(labelNames, labels);
          let found = series.get(key);
          if (!found) {
            found = { labels: pick(labelNames, labels), value: { counts: buckets.map(() => 0), sum: 0, count: 0 } };
            series.set(key, found);
          }
          const i = buckets.findIndex((le) => v <= le);
          if (i >= 0) found.value.counts[i]!++;
          found.value.sum += v;
          found.value.count++;
        },
      };
    },

    /** Every family with its samples now, in registration order. */
    async collect(): Promise<MetricFamily[]> {
      const out: MetricFamily[] = [];
      for (const [name, f] of families) out.push({ name, help: f.help, type: f.type, samples: await f.collect() });
      return out;
    },
  };
}

export type MetricsRegistry = ReturnType<typeof createMetricsRegistry>;
