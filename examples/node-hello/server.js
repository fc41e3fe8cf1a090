// node-hello: the smallest app paas can run. paas starts it with `npm start`
// and hands it PORT (where to listen), PAAS_RELEASE (which release this is)
// and every config var you set with `paas config:set` (GREETING here).
const http = require('node:http');

const port = Number(process.env.PORT || 5000);
const release = process.env.PAAS_RELEASE || 'unknown release';

const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (path === '/healthz') {
    // The readiness check of `paas healthchecks:set --path /healthz`.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
    return;
  }
  const greeting = process.env.GREETING || 'Hello';
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${greeting} from node-hello (${release})\n`);
});

server.listen(port, () => console.log(`node-hello ${release} listening on ${port}`));

// paas stops old instances with SIGTERM after draining: finish what is in flight, then exit.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
