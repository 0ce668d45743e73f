// Prometheus text exposition, with no dependency: counters and gauges by label set.

type Labels = Record<string, string>;

const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

export interface Metrics {
  inc(name: string, labels?: Labels, by?: number): void;
  /** Gauges read at scrape time. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  observeHttp(route: string, method: string, status: number, seconds: number): void;
  render(): Promise<string>;
}

const HELP: Record<string, string> = {
  greenlight_requests_created_total: 'Requests filed, by origin and whether policy decided them.',
  greenlight_decisions_total: 'Requests settled, by status and channel.',
  greenlight_http_requests_total: 'HTTP requests served, by route, method and status.',
  greenlight_http_request_duration_seconds_sum: 'Total time spent serving HTTP requests, by route.',
  greenlight_outbox_deliveries_total: 'Outbox delivery attempts, by kind and result.',
  greenlight_auth_failures_total: 'Requests refused for a missing or unknown key.',
};

export function createMetrics(): Metrics {
  const counters = new Map<string, Map<string, number>>();
  const gauges: { name: string; help: string; read: () => number | Promise<number> }[] = [];

  const add = (name: string, key: string, by: number) => {
    let series = counters.get(name);
    if (!series) counters.set(name, (series = new Map()));
    series.set(key, (series.get(key) ?? 0) + by);
  };
  const inc = (name: string, labels: Labels = {}, by = 1) => add(name, labelKey(labels), by);
  // Every HTTP request counts under (route, method, status): their label strings are built once.
  const httpKeys = new Map<string, { all: string; route: string }>();

  return {
    inc,
    gauge(name, help, read) {
      gauges.push({ name, help, read });
    },
    observeHttp(route, method, status, seconds) {
      const id = `${route} ${method} ${status}`;
      let keys = httpKeys.get(id);
      if (!keys) {
        if (httpKeys.size > 10_000) httpKeys.clear();
        httpKeys.set(id, (keys = { all: labelKey({ route, method, status: String(status) }), route: labelKey({ route }) }));
      }
      add('greenlight_http_requests_total', keys.all, 1);
      add('greenlight_http_request_duration_seconds_sum', keys.route, seconds);
    },
    async render() {
      const out: string[] = [];
      for (const [name, series] of counters) {
        out.push(`# HELP ${name} ${HELP[name] ?? name}`, `# TYPE ${name} counter`);
        for (const [key, value] of series) out.push(`${name}${key ? `{${key}}` : ''} ${value}`);
      }
      for (const g of gauges) {
        let value: number;
        try {
          value = await g.read();
        } catch {
          value = NaN;
        }
        out.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`, `${g.name} ${value}`);
      }
      return out.join('\n') + '\n';
    },
  };
}
