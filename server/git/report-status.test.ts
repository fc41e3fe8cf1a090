import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePktSections } from './pkt-line.js';
import { decodeSideBand } from './side-band.js';
import { encodeReportResponse, encodeReportStatus, oneLine } from './report-status.js';

test('matches the example in gitprotocol-pack.txt "Report Status"', () => {
  const bytes = encodeReportStatus({
    unpack: 'ok',
    refs: [{ ref: 'refs/heads/debug', ok: true }, { ref: 'refs/heads/master', ok: false, reason: 'non-fast-forward' }],
  });
  assert.equal(bytes.toString(), '000eunpack ok\n0018ok refs/heads/debug\n002ang refs/heads/master non-fast-forward\n0000');
});

test('an unpack error and multi-line reasons stay one line each', () => {
  const bytes = encodeReportStatus({ unpack: { error: 'bad\npack' }, refs: [{ ref: 'refs/heads/main', ok: false, reason: 'line one\nline two\r\n' }] });
  assert.equal(bytes.toString(), '0014unpack bad pack\n0029ng refs/heads/main line one line two\n0000');
  assert.equal(oneLine(''), 'rejected');
  assert.equal(oneLine('x'.repeat(5000)).length, 1001);
});

test('with side-band the report travels on band 1, then a final flush', () => {
  const report = { unpack: 'ok' as const, refs: [{ ref: 'refs/heads/main', ok: true as const }] };
  const bytes = encodeReportResponse(report, true);
  assert.ok(bytes.subarray(-4).equals(Buffer.from('0000')));
  const { sections } = decodePktSections(bytes);
  const inner = Buffer.concat(sections.flat().map((p) => decodeSideBand(p).data));
  assert.deepEqual(inner, encodeReportStatus(report));
  assert.deepEqual(encodeReportResponse(report, false), encodeReportStatus(report));
});
