/**
 * The app behind both proxies in the router benchmark: a plain Node http
 * server on 127.0.0.1 port 0 answering every request with a short fixed
 * body, keep-alive on. Prints "listening <port>".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from('hello from the bench backend\n');
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
