import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaasError } from '../../server/errors.js';
import type { SourceFile, SourceTree } from '../source-tree.js';
import { resolveProcessTypes } from '../build-app.js';
import { detectStack } from './index.js';
import { makeNodeDockerfile, nodeWebCommand } from './node.js';

/** A source tree held in memory: path ▶ content (links as {link}). */
function memoryTree(files: Record<string, string | { link: string }>): SourceTree {
  const list: SourceFile[] = Object.keys(files).sort().map((path) => ({
    path,
    mode: typeof files[path] === 'string' ? 'file' : 'symlink',
    oid: path,
  }));
  const byPath = new Map(list.map((f) => [f.path, f]));
  const read = async (f: SourceFile) => {
    const v = files[f.path]!;
    return new TextEncoder().encode(typeof v === 'string' ? v : v.link);
  };
  return {
    commit: 'c0ffee',
    files: list,
    skippedSubmodules: [],
    get: (p) => byPath.get(p),
    hasDir: (d) => list.some((f) => f.path.startsWith(d.endsWith('/') ? d : `${d}/`)),
    read,
    readText: async (p) => (typeof files[p] === 'string' ? (files[p] as string) : undefined),
  };
}

const settings = { stackImage: 'paas/stack:bookworm' };

const detection: Array<[string, Record<string, string>, string]> = [
  ['Dockerfile wins over package.json', { Dockerfile: 'FROM x', 'package.json': '{}' }, 'dockerfile'],
  ['package.json', { 'package.json': '{}', 'index.html': '' }, 'node'],
  ['index.html at the root', { 'index.html': '<h1>' }, 'static'],
  ['public/ directory', { 'public/a/b.html': '' }, 'static'],
];
for (const [name, files, want] of detection) {
  test(`stack detection: ${name} ▶ ${want}`, () => {
    assert.equal(detectStack(memoryTree(files)).name, want);
  });
}

test('nothing to detect: BUILD_FAILED saying what paas looks for', () => {
  assert.throws(() => detectStack(memoryTree({ 'README.md': 'hi', 'src/public.txt': '' })), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'BUILD_FAILED');
    for (const want of ['Dockerfile', 'package.json', 'index.html', 'public/']) assert.ok(err.message.includes(want), want);
    assert.match(err.hint ?? '', /push again/);
    return true;
  });
});

test('node: the install step sees only the manifests; the app source comes after it', () => {
  const text = makeNodeDockerfile({ baseImage: 'base:1', lockfile: 'package-lock.json', hasBuildScript: false, extraCaCerts: false, npmRegistry: false, webCommand: 'npm start' });
  const lines = text.split('\n');
  const install = lines.findIndex((l) => l.startsWith('RUN npm ci'));
  assert.ok(lines.indexOf('COPY app/package.json app/package-lock.json ./') === install - 1);
  assert.ok(lines.indexOf('COPY app/ ./') > install);
  assert.ok(!text.includes('paas-build'), 'no build files without settings');
  assert.ok(text.includes('CMD ["/bin/sh","-c","npm start"]'));
});

test('node: without a lockfile npm install; a build script runs after the source is copied', () => {
  const text = makeNodeDockerfile({ baseImage: 'base:1', lockfile: undefined, hasBuildScript: true, extraCaCerts: false, npmRegistry: false, webCommand: 'npm start' });
  assert.match(text, /^COPY app\/package\.json \.\/$/m);
  assert.match(text, /^RUN npm install /m);
  assert.ok(text.indexOf('RUN npm run build') > text.indexOf('COPY app/ ./'));
});

test('node: CA and registry files reach only the deps stage, and the step names files, not contents', async () => {
  const tree = memoryTree({ 'package.json': '{"scripts":{"start":"node s.js"}}', 'package-lock.json': '{}' });
  const plan = await detectStack(tree).plan(tree, { ...settings, extraCaCerts: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', npmRegistry: 'https://user:s3cret@npm.example.com/' }, undefined);
  const dockerfile = plan.entries.find((e) => e.path === plan.dockerfile)!.content as string;
  const [deps, final] = dockerfile.split(/^FROM /m).slice(1);
  assert.match(deps!, /COPY paas\/build\/ \/paas-build\//);
  assert.match(deps!, /RUN NODE_EXTRA_CA_CERTS=\/paas-build\/extra-ca\.pem NPM_CONFIG_USERCONFIG=\/paas-build\/npmrc npm ci/);
  assert.ok(!final!.includes('paas-build') && !final!.includes('NODE_EXTRA_CA_CERTS'));
  assert.ok(!dockerfile.includes('s3cret') && !dockerfile.includes('BEGIN CERTIFICATE'));
  const paths = plan.entries.map((e) => e.path);
  assert.ok(paths.includes('paas/build/extra-ca.pem') && paths.includes('paas/build/npmrc'));
  assert.ok(paths.includes('app/package.json'), 'pushed files live under app/');
});

test('node: invalid package.json fails with the parse error', async () => {
  const tree = memoryTree({ 'package.json': '{ "name": ' });
  await assert.rejects(detectStack(tree).plan(tree, settings, undefined), /package\.json is not valid JSON/);
});

test('process types: defaults, Procfile overrides, Dockerfile apps run exactly their Procfile', async () => {
  const node = await detectStack(memoryTree({ 'package.json': '{}' })).plan(memoryTree({ 'package.json': '{}' }), settings, undefined);
  assert.deepEqual(resolveProcessTypes(node, undefined), { web: 'npm start' }, 'no start script and no server.js: npm says what is missing');
  assert.deepEqual(resolveProcessTypes(node, { worker: 'node w.js' }), { web: 'npm start', worker: 'node w.js' });
  assert.deepEqual(resolveProcessTypes(node, { web: 'node web.js' }), { web: 'node web.js' });
  const docker = await detectStack(memoryTree({ Dockerfile: '' })).plan(memoryTree({ Dockerfile: '' }), settings, undefined);
  assert.deepEqual(resolveProcessTypes(docker, undefined), { web: '' });
  assert.deepEqual(resolveProcessTypes(docker, { worker: 'run' }), { worker: 'run' });
});

test('static: the site root is the repository root with index.html, else public/', async () => {
  const rootSite = memoryTree({ 'index.html': '' });
  const publicSite = memoryTree({ 'public/index.html': '' });
  assert.deepEqual((await detectStack(rootSite).plan(rootSite, settings, undefined)).defaultProcessTypes, { web: 'node /opt/paas/static-server.js /app' });
  assert.deepEqual((await detectStack(publicSite).plan(publicSite, settings, undefined)).defaultProcessTypes, { web: 'node /opt/paas/static-server.js /app/public' });
});

test('base images are configurable per stack; the shared stack image is the fallback', async () => {
  const dockerfileOf = async (files: Record<string, string>, stackImages?: Record<string, string>) => {
    const tree = memoryTree(files);
    const plan = await detectStack(tree).plan(tree, { ...settings, ...(stackImages ? { stackImages } : {}) }, undefined);
    const entry = plan.entries.find((e) => e.path === plan.dockerfile)!;
    return String(entry.content);
  };
  const perStack = { node: 'node:20-bookworm-slim', static: 'registry.example.com/static-base:1' };
  assert.match(await dockerfileOf({ 'package.json': '{}' }, perStack), /^FROM node:20-bookworm-slim/m);
  assert.match(await dockerfileOf({ 'index.html': '<h1>' }, perStack), /^FROM registry\.example\.com\/static-base:1$/m);
  assert.match(await dockerfileOf({ 'index.html': '<h1>' }, { node: 'node:20-bookworm-slim' }), /^FROM paas\/stack:bookworm$/m);
  assert.doesNotMatch(await dockerfileOf({ 'package.json': '{}' }, perStack), /paas\/stack/);
});

test('node: the web process runs the start script directly unless npm adds something', () => {
  const cases: Array<[string, Record<string, string> | undefined, boolean, string]> = [
    ['a start script', { start: 'node app.js --port $PORT' }, false, 'node app.js --port $PORT'],
    ['no start script, server.js (npm start\'s own default)', undefined, true, 'node server.js'],
    ['no start script, no server.js', {}, false, 'npm start'],
    ['a prestart hook', { prestart: 'node migrate.js', start: 'node app.js' }, false, 'npm start'],
    ['a poststart hook', { start: 'node app.js', poststart: 'echo up' }, false, 'npm start'],
    ['an empty start script', { start: '  ' }, true, 'npm start'],
  ];
  for (const [name, scripts, hasServerJs, want] of cases) {
    assert.equal(nodeWebCommand(scripts ? { scripts } : {}, hasServerJs), want, name);
  }
});
