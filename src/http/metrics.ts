// Prometheus metrics on prom-client: one registry per server (tests run several servers in one
// process), the metrics every part may count (counters by name, declared in METRICS with their
// help and labels), histograms for the latencies an operator watches, gauges read at scrape time,
// and Node's default process metrics (one set per process, shared by every registry). What each
// metric means, and which are per instance or cluster-wide on PostgreSQL: docs/operations.md.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type Labels = Record<string, string>;

/** A gauge with labels, read at scrape time: one value per label set. */
export type Sample = { labels: Labels; value: number };

export interface Metrics {
  inc(name: string, labels?: Labels, by?: number): void;
  /** Records a duration (seconds) in one of the HISTOGRAMS. */
  observe(name: HistogramName, labels: Labels, seconds: number): void;
  observeHttp(route: string, method: string, status: number, seconds: number): void;
  /** A gauge without labels, read at scrape time. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  /** A gauge with labels, read at scrape time (all its series at once). */
  gauges(name: string, help: string, labelNames: string[], read: () => Sample[] | Promise<Sample[]>): void;
  render(): Promise<string>;
  readonly contentType: string;
}

/** Counters: help and label names. Any other name is declared on first use with the labels it came with. */
const COUNTERS: Record<string, [string, string[]]> = {
  greenlight_requests_created_total: ['Requests filed on this instance, by origin and who settles them (policy or human).', ['origin', 'decided_by']],
  greenlight_decisions_total: ['Requests settled on this instance, by status and channel (via).', ['status', 'via']],
  greenlight_outbox_deliveries_total: ['Outbox delivery attempts on this instance, by kind and result.', ['kind', 'result']],
  greenlight_auth_failures_total: ['Requests refused for a missing or unknown key, by reason.', ['reason']],
  greenlight_email_sent_total: ['Mails sent by the email channel, by result.', ['result']],
  greenlight_email_replies_total: ['Email replies handled, by result.', ['result']],
  greenlight_ntfy_published_total: ['ntfy notifications published, by result.', ['result']],
  greenlight_ntfy_actions_total: ['ntfy button presses, by result.', ['result']],
  greenlight_telegram_refused_total: ['Telegram updates refused, by reason.', ['reason']],
  greenlight_slack_refused_total: ['Slack requests refused, by reason.', ['reason']],
  greenlight_slack_decisions_total: ['Decisions made from Slack, by choice.', ['choice']],
  greenlight_slack_interactions_total: ['Slack interactions handled, by type.', ['type']],
  greenlight_discord_messages_total: ['Discord messages posted or edited, by operation.', ['op']],
  greenlight_discord_refused_total: ['Discord interactions refused, by reason.', ['reason']],
  greenlight_discord_decisions_total: ['Decisions made from Discord, by outcome.', ['outcome']],
};

const HISTOGRAMS = {
  greenlight_http_request_duration_seconds: ['Time to answer an HTTP request, by route, method and status (long-polls count their wait).', ['route', 'method', 'status'], [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]],
  greenlight_decision_duration_seconds: ['Time the gate takes to file a request (policy verdict included) or record a human decision, by operation and result.', ['operation', 'result'], [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]],
  greenlight_time_to_decision_seconds: ['Time from filing to a human decision, by status and channel (via).', ['status', 'via'], [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400]],
} as const;

export type HistogramName = keyof typeof HISTOGRAMS;

/** The status codes' label strings, made once. */
const STATUS: Record<number, string> = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [i + 100, String(i + 100)]));

/** Node's process metrics (CPU, memory, event loop, GC, handles): one set per process. */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const counters = new Map<string, Counter<string>>();
  const histograms = new Map<string, Histogram<string>>();

  const counter = (name: string, labels: Labels): Counter<string> => {
    let c = counters.get(name);
    if (!c) {
      const [help, labelNames] = COUNTERS[name] ?? [name, Object.keys(labels)];
      c = new Counter({ name, help, labelNames, registers: [registry] });
      counters.set(name, c);
    }
    return c;
  };

  const histogram = (name: HistogramName): Histogram<string> => {
    let h = histograms.get(name);
    if (!h) {
      const [help, labelNames, buckets] = HISTOGRAMS[name];
      h = new Histogram({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [registry] });
      histograms.set(name, h);
    }
    return h;
  };

  // Declared up front, so a scrape lists them (at zero) before anything happened.
  for (const name of ['greenlight_requests_created_total', 'greenlight_decisions_total', 'greenlight_outbox_deliveries_total', 'greenlight_auth_failures_total']) counter(name, {});
  for (const name of Object.keys(HISTOGRAMS) as HistogramName[]) histogram(name);
  const httpHistogram = histogram('greenlight_http_request_duration_seconds');

  return {
    inc(name, labels = {}, by = 1) {
      try {
        counter(name, labels).inc(labels, by);
      } catch {
        // A label set the counter was not declared with: a programming error, never worth a failed request.
      }
    },
    observe(name, labels, seconds) {
      histogram(name).observe(labels, seconds);
    },
    observeHttp(route, method, status, seconds) {
      // Every HTTP request lands here. prom-client hashes labels in their declared order (no sort);
      // binding a series per (route, method, status) in a map of our own measured slower
      // (bench/envelope-parts.ts), so the histogram is held and observed directly.
      httpHistogram.observe({ route, method, status: STATUS[status] ?? String(status) }, seconds);
    },
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          try {
            this.set(await read());
          } catch {
            this.set(NaN);
          }
        },
      });
    },
    gauges(name, help, labelNames, read) {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          let samples: Sample[];
          try {
            samples = await read();
          } catch {
            return; // no series this scrape: the store did not answer (greenlight_up-style alerts see the gap)
          }
          for (const s of samples) this.set(s.labels, s.value);
        },
      });
    },
    async render() {
      return (await registry.metrics()) + (await processMetrics().metrics());
    },
    contentType: registry.contentType,
  };
}
