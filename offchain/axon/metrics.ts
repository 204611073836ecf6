/**
 * A small Prometheus registry (text exposition format 0.0.4) with counters, gauges and histograms:
 * enough for an axon's `/metrics`, without a dependency.
 */
export type Labels = Record<string, string | number>;

const NEEDS_ESCAPE = /[\\"\n]/;

function escapeLabel(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelKey(labels: Labels | undefined): string {
  if (labels === undefined) return "";
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabel(String(labels[k]))}"`).join(",")}}`;
}

function fmt(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  if (n === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(n);
}

interface Metric {
  render(): string;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

abstract class Base implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: string,
  ) {
    if (!NAME.test(name)) throw new Error(`metric name ${JSON.stringify(name)} is not a valid Prometheus name`);
  }
  protected header(): string {
    return `# HELP ${this.name} ${this.help.replace(/\n/g, " ")}\n# TYPE ${this.name} ${this.type}\n`;
  }
  abstract render(): string;
}

export class Counter extends Base {
  readonly #values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels?: Labels, by = 1): void {
    const k = labelKey(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }
  get(labels?: Labels): number {
    return this.#values.get(labelKey(labels)) ?? 0;
  }
  /** Every label set's value, keyed as rendered (`{route="forward",status="200"}`; "" without labels). */
  snapshot(): Map<string, number> {
    return new Map(this.#values);
  }
  render(): string {
    let out = this.header();
    for (const [k, v] of this.#values) out += `${this.name}${k} ${fmt(v)}\n`;
    return out;
  }
}

/** A value read at scrape time: a gauge, or a counter kept elsewhere (`type: "counter"`). */
export class Gauge extends Base {
  constructor(
    name: string,
    help: string,
    readonly read: () => number,
    type: "gauge" | "counter" = "gauge",
  ) {
    super(name, help, type);
  }
  render(): string {
    return `${this.header()}${this.name} ${fmt(this.read())}\n`;
  }
}

/** Labelled values read at scrape time (e.g. one series per subnet and status, counted from a store). */
export class GaugeSet extends Base {
  constructor(
    name: string,
    help: string,
    readonly read: () => Iterable<readonly [Labels, number]>,
  ) {
    super(name, help, "gauge");
  }
  render(): string {
    let out = this.header();
    for (const [labels, v] of this.read()) out += `${this.name}${labelKey(labels)} ${fmt(v)}\n`;
    return out;
  }
}

interface Series {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Base {
  readonly #series = new Map<string, Series>();
  readonly buckets: readonly number[];
  constructor(name: string, help: string, buckets: readonly number[]) {
    super(name, help, "histogram");
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  observe(value: number, labels?: Labels): void {
    const k = labelKey(labels);
    let s = this.#series.get(k);
    if (s === undefined) {
      s = { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.#series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  count(labels?: Labels): number {
    return this.#series.get(labelKey(labels))?.count ?? 0;
  }
  render(): string {
    let out = this.header();
    for (const [k, s] of this.#series) {
      const inner = k === "" ? "" : `${k.slice(1, -1)},`;
      for (let i = 0; i < this.buckets.length; i++) {
        out += `${this.name}_bucket{${inner}le="${fmt(this.buckets[i]!)}"} ${s.counts[i]}\n`;
      }
      out += `${this.name}_bucket{${inner}le="+Inf"} ${s.count}\n`;
      out += `${this.name}_sum${k} ${fmt(s.sum)}\n${this.name}_count${k} ${s.count}\n`;
    }
    return out;
  }
}

export class MetricsRegistry {
  readonly #metrics: Metric[] = [];
  readonly #names = new Set<string>();

  #add<T extends Base>(m: T): T {
    if (this.#names.has(m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.#names.add(m.name);
    this.#metrics.push(m);
    return m;
  }
  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }
  gauge(name: string, help: string, read: () => number): Gauge {
    return this.#add(new Gauge(name, help, read));
  }
  /** A counter whose value lives elsewhere (read at scrape time). */
  counterFrom(name: string, help: string, read: () => number): Gauge {
    return this.#add(new Gauge(name, help, read, "counter"));
  }
  /** A labelled gauge whose series are read at scrape time. */
  gaugeSet(name: string, help: string, read: () => Iterable<readonly [Labels, number]>): GaugeSet {
    return this.#add(new GaugeSet(name, help, read));
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }
  render(): string {
    return this.#metrics.map((m) => m.render()).join("");
  }
}

/** Latency buckets in seconds: 1 ms to 60 s. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;
