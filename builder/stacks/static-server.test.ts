import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATIC_SERVER_JS } from './static-server.js';
import { freePort } from '../../test/support/docker-run.js';

let dir: string;
let server: ChildProcess;
let base: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paas-static-'));
  const site = join(dir, 'site');
  await mkdir(join(site, 'css'), { recursive: true });
  await mkdir(join(site, 'docs'), { recursive: true });
  await writeFile(join(site, 'index.html'), '<h1>home</h1>');
  await writeFile(join(site, 'css', 'site.css'), 'h1{}');
  await writeFile(join(site, 'docs', 'index.html'), '<h1>docs</h1>');
  await writeFile(join(site, 'data.weird'), 'bytes');
  await writeFile(join(dir, 'secret.txt'), 'host secret');
  await symlink(join(dir, 'secret.txt'), join(site, 'escape.txt'));
  await symlink('../secret.txt', join(site, 'escape-relative.txt'));
  await symlink('css/site.css', join(site, 'inside.css'));
  await writeFile(join(dir, 'server.js'), STATIC_SERVER_JS);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [join(dir, 'server.js'), site], {
    env: { PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('static server did not start')), 5000);
    server.stdout!.once('data', () => { clearTimeout(timer); resolve(); });
  });
});

after(async () => {
  server.kill();
  await rm(dir, { recursive: true, force: true });
});

/** A raw request, so paths like /../ reach the server unnormalised (fetch would clean them). */
function get(path: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => {
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body });
      });
    });
    req.on('error', reject).end();
  });
}

test('/ serves index.html as HTML', async () => {
  assert.deepEqual(await get('/'), { status: 200, type: 'text/html; charset=utf-8', body: '<h1>home</h1>' });
});

test('files get a Content-Type from their extension, unknown ones octet-stream', async () => {
  assert.equal((await get('/css/site.css')).type, 'text/css; charset=utf-8');
  assert.equal((await get('/data.weird')).type, 'application/octet-stream');
  assert.equal((await get('/css/site.css?v=3')).body, 'h1{}');
});

test('a directory serves its index.html', async () => {
  assert.equal((await get('/docs/')).body, '<h1>docs</h1>');
  assert.equal((await get('/docs')).body, '<h1>docs</h1>');
});

test('missing files answer 404', async () => {
  assert.equal((await get('/missing')).status, 404);
});

test('path traversal is refused, however it is spelled', async () => {
  for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/css/..%2f..%2fsecret.txt', '/..\\secret.txt', '/%00', '/%zz']) {
    const res = await get(path);
    assert.equal(res.status, 404, path);
    assert.ok(!res.body.includes('host secret'), path);
  }
});

test('symlinks leading out of the site answer 404; symlinks inside it work', async () => {
  assert.equal((await get('/escape.txt')).status, 404);
  assert.equal((await get('/escape-relative.txt')).status, 404);
  assert.equal((await get('/inside.css')).body, 'h1{}');
});

test('HEAD has no body, other methods get 405', async () => {
  const head = await get('/', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal((await get('/', 'POST')).status, 405);
});
