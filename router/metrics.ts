/**
 * Prometheus counters per app and release, in the text exposition format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 *
 * The proxy keeps a reference to each release's series on the compiled
 * route, so recording a request is a few additions, no lookup, no string
 * work; rendering happens only when /metrics is scraped. The router serves
 * /metrics on any Host that is not an app host (`localhost:8080`, the pod
 * IP, the bare domain), so a scraper needs no special Host header and no
 * app can shadow it.
 *
 * Requests for hosts with no app are counted without the name: a label per
 * unknown Host would let any client grow the series without bound.
 */

/** Seconds; Prometheus' default buckets with finer steps below 10 ms. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Index 0-4: 1xx-5xx by the status sent; 5: the client left before any response. */
const CODE_LABELS = ['1xx', '2xx', '3xx', '4xx', '5xx', 'aborted'] as const;
const ABORTED = 5;

/** Release label for responses where no release was chosen (503 no endpoints). */
export const NO_RELEASE = 'none';

export class MetricSeries {
  readonly codes = new Float64Array(CODE_LABELS.length);
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length);
  upstreamErrors = 0;
  retries = 0;
  sum = 0;
  count = 0;
  constructor(
    readonly app: string,
    readonly release: string,
  ) {}
}

export class RouterMetrics {
  private readonly byApp = new Map<string, Map<string, MetricSeries>>();
  private unknownApp = 0;

  /** The series for one app and release label (`v7` or NO_RELEASE). */
  series(app: string, release: string): MetricSeries {
    let releases = this.byApp.get(app);
    if (releases === undefined) this.byApp.set(app, (releases = new Map()));
    let series = releases.get(release);
    if (series === undefined) releases.set(release, (series = new MetricSeries(app, release)));
    return series;
  }

  /** One answered request: `status` as sent, or `aborted` if nothing was sent. */
  observe(series: MetricSeries, status: number, aborted: boolean, seconds: number): void {
    const klass = aborted ? ABORTED : Math.min(Math.max(Math.floor(status / 100) - 1, 0), 4);
    series.codes[klass]! += 1;
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    if (i < LATENCY_BUCKETS.length) series.buckets[i]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  upstreamError(series: MetricSeries): void {
    series.upstreamErrors += 1;
  }

  retry(series: MetricSeries): void {
    series.retries += 1;
  }

  unknownAppRequest(): void {
    this.unknownApp += 1;
  }

  render(): string {
    const all: MetricSeries[] = [];
    for (const releases of this.byApp.values()) for (const s of releases.values()) all.push(s);
    const out: string[] = [];

    out.push('# HELP paas_router_requests_total Requests answered by the router, by app, release and status class.');
    out.push('# TYPE paas_router_requests_total counter');
    for (const s of all) {
      for (let c = 0; c < CODE_LABELS.length; c++) {
        if (s.codes[c]! > 0) out.push(`paas_router_requests_total{${labels(s)},code="${CODE_LABELS[c]}"} ${s.codes[c]}`);
      }
    }

    out.push('# HELP paas_router_upstream_errors_total Upstream attempts that failed before a response (refused, reset).');
    out.push('# TYPE paas_router_upstream_errors_total counter');
    for (const s of all) out.push(`paas_router_upstream_errors_total{${labels(s)}} ${s.upstreamErrors}`);

    out.push('# HELP paas_router_retries_total Requests sent again to another endpoint after an upstream error.');
    out.push('# TYPE paas_router_retries_total counter');
    for (const s of all) out.push(`paas_router_retries_total{${labels(s)}} ${s.retries}`);

    out.push('# HELP paas_router_request_duration_seconds Time from request to the end of the response.');
    out.push('# TYPE paas_router_request_duration_seconds histogram');
    for (const s of all) {
      let cumulative = 0;
      for (let b = 0; b < LATENCY_BUCKETS.length; b++) {
        cumulative += s.buckets[b]!;
        out.push(`paas_router_request_duration_seconds_bucket{${labels(s)},le="${LATENCY_BUCKETS[b]}"} ${cumulative}`);
      }
      out.push(`paas_router_request_duration_seconds_bucket{${labels(s)},le="+Inf"} ${s.count}`);
      out.push(`paas_router_request_duration_seconds_sum{${labels(s)}} ${s.sum}`);
      out.push(`paas_router_request_duration_seconds_count{${labels(s)}} ${s.count}`);
    }

    out.push('# HELP paas_router_unknown_app_requests_total Requests for an app host with no app deployed.');
    out.push('# TYPE paas_router_unknown_app_requests_total counter');
    out.push(`paas_router_unknown_app_requests_total ${this.unknownApp}`);
    return `${out.join('\n')}\n`;
  }
}

function labels(s: MetricSeries): string {
  return `app="${escapeLabel(s.app)}",release="${escapeLabel(s.release)}"`;
}

/** Label values escape backslash, double quote and newline (exposition format). */
function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
