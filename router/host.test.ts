import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHostMatcher } from './host.js';

test('app hosts under the default domain', () => {
  const m = createHostMatcher('localhost');
  assert.equal(m.appFromHost('web.localhost'), 'web');
  assert.equal(m.appFromHost('web.localhost:8080'), 'web');
  assert.equal(m.appFromHost('WEB.LocalHost:8080'), 'web');
  assert.equal(m.appFromHost('web.localhost.:8080'), 'web');
  assert.equal(m.appFromHost('a.b.localhost'), 'a.b', 'matched as a host; no app has a dot, so it is a 404');
});

test('hosts that are not app hosts', () => {
  const m = createHostMatcher('localhost');
  for (const host of [undefined, '', 'localhost', 'localhost:8080', '.localhost', '127.0.0.1:8080', '[::1]:8080', 'weblocalhost', 'web.example.com']) {
    assert.equal(m.appFromHost(host), undefined, String(host));
  }
});

test('a multi-label domain', () => {
  const m = createHostMatcher('Apps.Example.com.');
  assert.equal(m.appFromHost('shop.apps.example.com'), 'shop');
  assert.equal(m.appFromHost('apps.example.com'), undefined);
  assert.equal(m.appFromHost('shop.example.com'), undefined);
});
