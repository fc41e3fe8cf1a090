/**
 * The few responses the router writes itself. Plain text, short, saying what
 * happened and what to do next, because the person reading them is usually
 * a developer who just ran `git push` and opened the URL.
 */

/** Host labels are client input: keep what an app name may contain, bounded. */
function printable(name: string): string {
  const clean = name.replace(/[^a-z0-9.-]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

export function notFoundPage(app: string, domain: string): string {
  return (
    `No app "${printable(app)}" is deployed at this host.\n\n` +
    `Apps are served at http://<app>.${domain}. To see the apps you can deploy to: paas apps\n`
  );
}

export function unavailablePage(app: string): string {
  return (
    `App "${app}" has no instances ready to take requests right now.\n\n` +
    `If a release was just deployed it may still be starting. To see its releases: paas releases -a ${app}\n`
  );
}

export function startingPage(): string {
  return 'The router is starting and does not know its routes yet. Try again in a moment.\n';
}

export function badGatewayPage(app: string, release: string): string {
  return (
    `App "${app}" (${release}) did not answer: the connection failed before a response.\n\n` +
    `The app may have crashed or stopped listening on $PORT. To see its releases: paas releases -a ${app}\n`
  );
}

export function routerHomePage(domain: string): string {
  return `This is the paas router. Apps are served at http://<app>.${domain}; metrics at /metrics.\n`;
}

export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
