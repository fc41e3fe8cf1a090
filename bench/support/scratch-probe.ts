// temporary: removed before handing back
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startGitHttpBackend } from './git-http-backend.js';
import { startPaas } from './paas.js';
import { git, gitEnv, run } from './proc.js';

const work = '/tmp/bprof/w';
await rm(work, { recursive: true, force: true });
const src = join(work, 'src');
await mkdir(src, { recursive: true });
for (let i = 0; i < 400; i++) await writeFile(join(src, `f${i}.bin`), randomBytes(131072));
await git(src, ['init', '-q', '-b', 'main']); await git(src, ['add', '-A']); await git(src, ['commit', '-qm', 'x']); await git(src, ['repack', '-adq']);
const root = join(work, 'root'); await mkdir(root);
const paas = await startPaas({ nodeArgs: process.argv.includes('--prof') ? ['--cpu-prof', '--cpu-prof-dir=/tmp/bprof'] : [] } as any);
const be = await startGitHttpBackend(root);
try {
  for (let i = 0; i < 4; i++) {
    await paas.createApp(`probe-${i}`);
    const env = gitEnv({ GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' });
    const a = await run('git', ['push', paas.gitUrl(`probe-${i}`), 'main'], { cwd: src, env });
    await git(root, ['init', '-q', '--bare', '-b', 'main', `r${i}.git`]);
    const b = await run('git', ['push', be.url(`r${i}.git`), 'main'], { cwd: src, env });
    for (const [name, r] of [['paas', a], ['backend', b]] as const) {
      const lines = r.stderr.split('\n').filter((l) => / => Send header|<= Recv header: HTTP|Send data/.test(l));
      const ts = (l: string) => { const m = /^(\d+):(\d+):(\d+\.\d+)/.exec(l)!; return (+m[1]! * 3600 + +m[2]! * 60 + +m[3]!) * 1000; };
      const t0 = ts(r.stderr.split("\n").find((l) => /^\d+:\d+:\d+\.\d+/.test(l))!);
      const post = lines.filter((l) => l.includes('Send header') );
      const lastSend = lines.filter((l) => l.includes('Send data')).at(-1)!;
      const lastRecvHead = lines.filter((l) => l.includes('Recv header: HTTP')).at(-1)!;
      console.log(name, 'total', r.ms.toFixed(0), 'lastSendData@', (ts(lastSend) - t0).toFixed(0), 'lastRecvHTTP@', (ts(lastRecvHead) - t0).toFixed(0), 'posts', post.length);
    }
  }
} finally { await be.close(); await paas.stop(); }
