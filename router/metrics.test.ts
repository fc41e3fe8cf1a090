import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_RELEASE, RouterMetrics } from './metrics.js';

test('renders counters and a cumulative histogram per app and release', () => {
  const m = new RouterMetrics();
  const v3 = m.series('web', 'v3');
  m.observe(v3, 200, false, 0.002);
  m.observe(v3, 204, false, 0.2);
  m.observe(v3, 502, false, 20);
  m.observe(v3, 200, true, 0.001);
  m.upstreamError(v3);
  m.retry(v3);
  m.observe(m.series('web', NO_RELEASE), 503, false, 0);
  m.unknownAppRequest();
  assert.equal(m.series('web', 'v3'), v3, 'series are reused');

  const text = m.render();
  const line = (s: string) => assert.ok(text.split('\n').includes(s), `missing: ${s}\n${text}`);
  line('paas_router_requests_total{app="web",release="v3",code="2xx"} 2');
  line('paas_router_requests_total{app="web",release="v3",code="5xx"} 1');
  line('paas_router_requests_total{app="web",release="v3",code="aborted"} 1');
  line('paas_router_requests_total{app="web",release="none",code="5xx"} 1');
  line('paas_router_upstream_errors_total{app="web",release="v3"} 1');
  line('paas_router_retries_total{app="web",release="v3"} 1');
  line('paas_router_request_duration_seconds_bucket{app="web",release="v3",le="0.001"} 1');
  line('paas_router_request_duration_seconds_bucket{app="web",release="v3",le="0.0025"} 2');
  line('paas_router_request_duration_seconds_bucket{app="web",release="v3",le="10"} 3');
  line('paas_router_request_duration_seconds_bucket{app="web",release="v3",le="+Inf"} 4');
  line('paas_router_request_duration_seconds_count{app="web",release="v3"} 4');
  line('paas_router_unknown_app_requests_total 1');
  assert.ok(text.endsWith('\n'));
});
