import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAdvertisement, GitService, RECEIVE_PACK_CAPABILITIES, uploadPackCapabilities } from './advertisement.js';

const A = 'a'.repeat(40);

test('an empty repository advertises the capabilities^{} dummy ref', () => {
  const bytes = encodeAdvertisement(GitService.receivePack, [], ['report-status', 'ofs-delta']);
  assert.equal(bytes.toString('latin1'), `001f# service=git-receive-pack\n0000` + `0055${'0'.repeat(40)} capabilities^{}\0report-status ofs-delta\n` + '0000');
});

test('refs follow the service line; capabilities ride on the first only', () => {
  const refs = [{ name: 'HEAD', oid: A }, { name: 'refs/heads/main', oid: A }];
  const text = encodeAdvertisement(GitService.uploadPack, refs, uploadPackCapabilities(refs)).toString('latin1');
  assert.ok(text.startsWith('001e# service=git-upload-pack\n0000'));
  assert.match(text, new RegExp(`${A} HEAD\0side-band-64k no-progress agent=paas symref=HEAD:refs/heads/main\n`));
  assert.match(text, new RegExp(`[0-9a-f]{4}${A} refs/heads/main\n0000$`));
});

test('receive-pack never offers deletes, atomic pushes or protocol v2, and asks for complete packs', () => {
  assert.ok(!(RECEIVE_PACK_CAPABILITIES as readonly string[]).some((c) => c === 'delete-refs' || c === 'atomic' || c.startsWith('version')));
  assert.ok(RECEIVE_PACK_CAPABILITIES.includes('no-thin'));
  assert.ok(!uploadPackCapabilities([]).some((c) => c.startsWith('symref')), 'no symref before main exists');
});
