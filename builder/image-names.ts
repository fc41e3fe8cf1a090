/**
 * Every image name paas makes comes from here (DESIGN.md "Naming":
 * `<registry>/<app>:v<N>`). Without a registry, app images stay on the
 * engine under a local repository prefix.
 */

/** Repository prefix for app images when no registry is configured. */
export const LOCAL_IMAGE_PREFIX = 'paas-apps';

/** "registry.example.com:5000/web", or "paas-apps/web" without a registry. */
export function appImageRepository(input: { app: string; registry?: string | undefined }): string {
  const registry = input.registry?.replace(/\/+$/, '');
  return registry ? `${registry}/${input.app}` : `${LOCAL_IMAGE_PREFIX}/${input.app}`;
}

/** "v4" for release 4. */
export function releaseImageTag(version: number): string {
  return `v${version}`;
}

/** "repository:tag". */
export function imageReference(repository: string, tag: string): string {
  return `${repository}:${tag}`;
}

/** Splits "host:5000/app:v4" into repository and tag (the tag is after the last ":" that follows the last "/"). */
export function splitImageReference(reference: string): { repository: string; tag: string } {
  const colon = reference.lastIndexOf(':');
  if (colon > reference.lastIndexOf('/')) return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repository: reference, tag: 'latest' };
}
