/**
 * A reference point for the router benchmark: the plainest Node reverse
 * proxy (http.request over a keep-alive agent, headers copied, bodies piped),
 * none of the router's work (no route table, header rewriting, retries,
 * metrics). Shows what Node itself costs per proxied request on this machine.
 * Prints "listening <port>".
 *
 *   node dist/bench/support/plain-proxy-child.js <backendPort>
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const backendPort = Number(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024, scheduling: 'lifo' });
const server = http.createServer((req, res) => {
  const upstream = http.request({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers, agent }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, { ...upRes.headers, 'x-paas-release': 'v1' });
    upRes.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
