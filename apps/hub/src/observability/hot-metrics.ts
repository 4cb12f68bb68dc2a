/**
 * Counter and histogram families for the per-request hot path, registered in a prom-client
 * Registry like any of its own metrics (the registry only asks a metric for `get()`).
 *
 * prom-client hashes and validates the label object on every `inc`/`observe`; at thousands of
 * device calls per second that was a visible share of the hub's CPU. Here a series is found by
 * its label values joined into one key, and the label object is built once per series. Only
 * what the exposition needs is implemented: no exemplars, no timers, no removal of series.
 */

import type { Metric, Registry } from "prom-client";

type Labels<L extends string> = Record<L, string>;

interface CounterSeries<L extends string> {
  labels: Labels<L>;
  value: number;
}

interface HistogramSeries<L extends string> {
  labels: Labels<L>;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface Family {
  name: string;
  help: string;
  registers?: Registry[];
}

const SEPARATOR = "\u0000";

/** The registry reads a metric through `get()` (and `reset()`): the shape both classes have. */
function register(
  metric: { name: string; get(): unknown; reset(): void },
  registries: Registry[] = [],
): void {
  // Not a prom-client class, but it answers every call the Registry makes of one.
  for (const registry of registries) registry.registerMetric(metric as unknown as Metric);
}

function labelsOf<L extends string>(names: readonly L[], values: readonly string[]): Labels<L> {
  const labels = {} as Labels<L>;
  names.forEach((name, i) => {
    labels[name] = values[i] ?? "";
  });
  return labels;
}

export class HotCounter<L extends string> {
  readonly type = "counter";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  readonly #series = new Map<string, CounterSeries<L>>();
  readonly #labelNames: readonly L[];

  constructor(family: Family & { labelNames: readonly L[] }) {
    this.name = family.name;
    this.help = family.help;
    this.#labelNames = family.labelNames;
    register(this, family.registers);
  }

  /** Label values in the order of labelNames. */
  inc(values: readonly string[], by = 1): void {
    const key = values.join(SEPARATOR);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels: labelsOf(this.#labelNames, values), value: 0 };
      this.#series.set(key, series);
    }
    series.value += by;
  }

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.value })),
    };
  }

  reset(): void {
    this.#series.clear();
  }
}

export class HotHistogram<L extends string> {
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, HistogramSeries<L>>();
  readonly #labelNames: readonly L[];

  constructor(family: Family & { labelNames: readonly L[]; buckets: readonly number[] }) {
    this.name = family.name;
    this.help = family.help;
    this.#labelNames = family.labelNames;
    this.#bounds = [...family.buckets].sort((a, b) => a - b);
    register(this, family.registers);
  }

  /** Label values in the order of labelNames; `value` in the metric's unit. */
  observe(values: readonly string[], value: number): void {
    const key = values.join(SEPARATOR);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = {
        labels: labelsOf(this.#labelNames, values),
        counts: new Float64Array(this.#bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, series);
    }
    let bucket = 0;
    while (bucket < this.#bounds.length && value > (this.#bounds[bucket] as number)) bucket++;
    series.counts[bucket] = (series.counts[bucket] ?? 0) + 1;
    series.sum += value;
    series.count += 1;
  }

  /**
   * As prom-client's Histogram answers `get()`: each value's labels hold the series labels and
   * `le` (the cluster aggregator groups values by them).
   */
  get() {
    const exposed = this.getForPromString();
    return {
      ...exposed,
      values: exposed.values.map(({ labels, sharedLabels, value, metricName }) => ({
        labels: { ...labels, ...sharedLabels },
        value,
        metricName,
      })),
    };
  }

  /** prom-client's text shape (the Registry prefers it): cumulative `_bucket` lines with `le`, then `_sum` and `_count`. */
  getForPromString() {
    const values: {
      labels: Record<string, string | number>;
      sharedLabels: Labels<L>;
      value: number;
      metricName: string;
    }[] = [];
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += s.counts[i] ?? 0;
        values.push({
          labels: { le: bound },
          sharedLabels: s.labels,
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push(
        { labels: { le: "+Inf" }, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_bucket` },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }
}
