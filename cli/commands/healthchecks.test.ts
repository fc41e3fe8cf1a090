import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeHealthcheck, healthcheckChoice } from './healthchecks.js';

test('the readiness check reads as what is checked', () => {
  assert.equal(describeHealthcheck({ path: null }), 'TCP connect to $PORT');
  assert.equal(describeHealthcheck({ path: '/healthz' }), 'HTTP GET /healthz answers 2xx or 3xx');
});

test('healthchecks:set takes exactly one of --path and --tcp', () => {
  assert.equal(healthcheckChoice({ path: '/healthz', tcp: false }), '/healthz');
  assert.equal(healthcheckChoice({ tcp: true }), null);
  assert.throws(() => healthcheckChoice({ tcp: false }), /needs --path PATH or --tcp/);
  assert.throws(() => healthcheckChoice({ path: '/x', tcp: true }), /either --path or --tcp, not both/);
});
