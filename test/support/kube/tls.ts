/**
 * A throwaway certificate authority and serving certificate for the
 * double, made with the openssl CLI at start: an EC P-256 CA, and a server
 * certificate for 127.0.0.1 / localhost / kubernetes.default.svc signed by
 * it (subjectAltName is what Go's TLS stack, hence kubectl, checks; the
 * CN alone is not enough since Go 1.15). Clients trust the CA through the
 * kubeconfig's certificate-authority-data or the in-cluster ca.crt.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const OPENSSL = '/usr/bin/openssl';

export interface TlsMaterial {
  caCert: string;
  cert: string;
  key: string;
}

export async function makeServingCertificate(): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-double-tls-'));
  const f = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): Promise<unknown> => run(OPENSSL, args, { cwd: dir });
  try {
    await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('ca.key'));
    await openssl('req', '-x509', '-new', '-key', f('ca.key'), '-sha256', '-days', '2', '-subj', '/CN=kube-double-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f('ca.crt'));
    await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('server.key'));
    await openssl('req', '-new', '-key', f('server.key'), '-subj', '/CN=kube-apiserver', '-out', f('server.csr'));
    await writeFile(
      f('ext.cnf'),
      [
        'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        '',
      ].join('\n'),
    );
    await openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-sha256', '-extfile', f('ext.cnf'), '-out', f('server.crt'));
    const [caCert, cert, key] = await Promise.all([readFile(f('ca.crt'), 'utf8'), readFile(f('server.crt'), 'utf8'), readFile(f('server.key'), 'utf8')]);
    return { caCert, cert, key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
