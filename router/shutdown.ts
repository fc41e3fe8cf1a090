/**
 * Graceful close for the router's server: stop accepting, let requests in
 * flight finish (a deploy's drain depends on it), close keep-alive
 * connections as they go idle, and cut whatever is left after the grace
 * period so a stuck upstream cannot hold a shutdown forever.
 */
import type http from 'node:http';

const IDLE_SWEEP_MS = 100;

export function closeGracefully(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    // Connections that finish a response between sweeps are idle keep-alive
    // sockets; Node closes idle ones only once, when close() is called.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
