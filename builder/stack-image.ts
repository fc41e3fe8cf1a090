/**
 * The offline stack image: the base that detected Node and static apps build
 * on, made from Debian packages alone so a machine that cannot pull from
 * Docker Hub can still build apps (DESIGN.md decision 8).
 *
 *   debootstrap --variant=minbase --include=nodejs,ca-certificates bookworm DIR MIRROR
 *   chroot DIR apt-get install npm                       (apt resolves virtual packages)
 *   chroot DIR node --version / npm --version           (the image works)
 *   tar -C DIR -c . | POST /images/create?fromSrc=-      (docker import)
 *
 * Operators with internet access can point the stack setting at the online
 * default instead, `node:20-bookworm-slim` (STACK_IMAGE_ONLINE): same Debian
 * release, newer Node, nothing to build. Both give `node` and `npm` on PATH
 * and WORKDIR /app, which is all the generated Dockerfiles rely on.
 *
 * Needs root (debootstrap creates device nodes and chroots) and takes about
 * two to three minutes with a nearby mirror. An existing image is kept unless `force`.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type Dockerode from 'dockerode';
import { PaasError } from '../server/errors.js';
import { readJsonMessages, messageError } from './docker-stream.js';
import { runCommand } from './run-command.js';
import { splitImageReference } from './image-names.js';

/** The image `paas-server stacks:build` makes and detected stacks build on by default. */
export const STACK_IMAGE_DEFAULT = 'paas/stack:bookworm';
/** What to configure instead when the engine can pull from Docker Hub. */
export const STACK_IMAGE_ONLINE = 'node:20-bookworm-slim';

export const STACK_SUITE = 'bookworm';
export const STACK_MIRROR = 'http://deb.debian.org/debian';
/**
 * debootstrap installs nodejs, but npm has to come from apt inside the
 * chroot: debootstrap resolves real dependencies only and never picks a
 * provider for a virtual one, and bookworm's npm depends on several virtual
 * packages (node-color-support, node-cli-table3, node-cssesc, node-has,
 * node-postcss-selector-parser, and their providers need more). Listing
 * providers by hand never converges; apt's resolver does it properly.
 */
export const STACK_BOOTSTRAP_PACKAGES = ['nodejs', 'ca-certificates'] as const;
export const STACK_APT_PACKAGES = ['npm'] as const;

/** Inside the chroot nothing of the host environment is wanted; apt must not ask questions. */
const CHROOT_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  DEBIAN_FRONTEND: 'noninteractive',
  HOME: '/root',
};

/** `docker import --change` equivalents: what a Dockerfile FROM this image inherits. */
export const STACK_IMAGE_CHANGES = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  'WORKDIR /app',
  'CMD ["node"]',
] as const;

export interface StackImageOptions {
  docker: Dockerode;
  /** Image reference to create; STACK_IMAGE_DEFAULT unless given. */
  tag?: string;
  /** Rebuild even when the image already exists. */
  force?: boolean;
  suite?: string;
  mirror?: string;
  /** Where the temporary root filesystem goes; the OS temp dir unless given. */
  workDir?: string;
  /** debootstrap --cache-dir: keeps downloaded .debs between builds (faster rebuilds). */
  cacheDir?: string;
  /** Whether this process runs as root (debootstrap needs it); injected so the check is testable. */
  isRoot: boolean;
  progress: (line: string) => void;
  signal?: AbortSignal;
  /** Milliseconds since some epoch, for the elapsed-time lines. */
  now?: () => number;
}

export interface StackImageResult {
  tag: string;
  imageId: string;
  /** False when an existing image was kept. */
  built: boolean;
  nodeVersion?: string;
  npmVersion?: string;
}

export async function ensureStackImage(options: StackImageOptions): Promise<StackImageResult> {
  const tag = options.tag ?? STACK_IMAGE_DEFAULT;
  const now = options.now ?? Date.now;
  const started = now();
  const say = (line: string) => options.progress(`[${((now() - started) / 1000).toFixed(1)}s] ${line}`);

  const existing = await inspectImageId(options.docker, tag);
  if (existing && !options.force) {
    say(`${tag} already exists (${existing.slice(0, 19)}); use --force to rebuild it`);
    return { tag, imageId: existing, built: false };
  }
  if (!options.isRoot) {
    throw new PaasError('FORBIDDEN', 'Building the stack image needs root: debootstrap creates device nodes and chroots', {
      hint: 'Run it again as root, e.g. sudo paas-server stacks:build',
    });
  }

  const parent = options.workDir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'paas-stack-'));
  try {
    // mkdtemp makes it 0700; apt's unprivileged _apt user must traverse it.
    await chmod(dir, 0o755);
    const suite = options.suite ?? STACK_SUITE;
    const mirror = options.mirror ?? STACK_MIRROR;
    say(`debootstrap ${suite} from ${mirror} into ${dir}`);
    if (options.cacheDir) await mkdir(options.cacheDir, { recursive: true });
    const cacheArgs = options.cacheDir ? [`--cache-dir=${options.cacheDir}`] : [];
    await runCommand('debootstrap', ['--variant=minbase', ...cacheArgs, `--include=${STACK_BOOTSTRAP_PACKAGES.join(',')}`, suite, dir, mirror], {
      signal: options.signal,
      onLine: quiet(say, /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) /),
    });

    // debootstrap wrote sources.list for `mirror` and copied the host's
    // resolv.conf, so apt in the chroot can fetch what it resolves.
    const inChroot = (args: string[], onLine?: (line: string) => void) =>
      runCommand('chroot', [dir, ...args], { signal: options.signal, env: CHROOT_ENV, onLine });
    say(`apt-get install ${STACK_APT_PACKAGES.join(' ')} inside the root filesystem`);
    const aptNoise = /^(Get:|Hit:|Selecting|Preparing|Unpacking|Setting up|Processing|\(Reading database)/;
    await inChroot(['apt-get', 'update', '-q'], quiet(say, aptNoise));
    // Dpkg::Use-Pty=0: there is no /dev/pts in the chroot, and dpkg would complain about it.
    await inChroot(['apt-get', 'install', '-y', '-q', '-o', 'Dpkg::Use-Pty=0', '--no-install-recommends', ...STACK_APT_PACKAGES], quiet(say, aptNoise));
    await inChroot(['apt-get', 'clean']);

    const nodeVersion = (await inChroot(['node', '--version'])).stdout;
    const npmVersion = (await inChroot(['npm', '--version'])).stdout;
    say(`node ${nodeVersion}, npm ${npmVersion} work inside the root filesystem`);

    // Package indexes are only needed to install more packages, which the
    // generated Dockerfiles never do; resolv.conf and hostname are the
    // host's (the runtime mounts its own over them).
    await Promise.all(['var/lib/apt/lists', 'etc/hostname', 'etc/resolv.conf'].map((p) =>
      rm(join(dir, p), { recursive: true, force: true })));
    await mkdir(join(dir, 'var/lib/apt/lists/partial'), { recursive: true });
    await mkdir(join(dir, 'app'), { recursive: true });

    say(`importing ${dir} as ${tag}`);
    const imageId = await importRootfs({ docker: options.docker, dir, tag, signal: options.signal });
    say(`built ${tag} (${imageId.slice(0, 19)})`);
    return { tag, imageId, built: true, nodeVersion, npmVersion };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Counts the per-package lines matching `noise` instead of printing each. */
function quiet(say: (line: string) => void, noise: RegExp): (line: string) => void {
  let count = 0;
  return (line) => {
    if (noise.test(line)) {
      count += 1;
      if (count % 100 === 0) say(`  … ${count} package steps`);
      return;
    }
    if (line.trim() !== '') say(`  ${line}`);
  };
}

async function inspectImageId(docker: Dockerode, tag: string): Promise<string | undefined> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw new PaasError('UNAVAILABLE', `Could not ask the Docker engine about ${tag}: ${(err as Error).message}`, {
      cause: err,
      hint: 'Check that the Docker engine is running and reachable (DOCKER_HOST).',
    });
  }
}

interface ImportOptions {
  docker: Dockerode;
  dir: string;
  tag: string;
  signal?: AbortSignal;
}

/** `tar -C dir -c . | docker import --change … - tag`, with the engine API doing the import. */
async function importRootfs({ docker, dir, tag, signal }: ImportOptions): Promise<string> {
  const { repository: repo, tag: version } = splitImageReference(tag);
  // /dev, /proc and /sys are mounted by the runtime; the device nodes
  // debootstrap made are not wanted in the image (moby contrib/mkimage does the same).
  const tar = spawn('tar', ['--numeric-owner', '-C', dir, '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*', '-c', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  let tarErrors = '';
  tar.stderr.setEncoding('utf8').on('data', (text: string) => { tarErrors += text; });
  const tarDone = new Promise<number | null>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', resolve);
  });

  const stream = await docker.importImage(tar.stdout, { repo, tag: version, changes: [...STACK_IMAGE_CHANGES], abortSignal: signal } as object);
  let failure: string | undefined;
  await readJsonMessages(stream, (message) => { failure ??= messageError(message); });
  const code = await tarDone;
  if (code !== 0) {
    throw new PaasError('BUILD_FAILED', `tar of the root filesystem failed (exit ${code}): ${tarErrors.trim().slice(-500)}`);
  }
  if (failure) throw new PaasError('BUILD_FAILED', `docker import of ${tag} failed: ${failure}`);
  const imageId = await inspectImageId(docker, tag);
  if (!imageId) throw new PaasError('BUILD_FAILED', `docker import finished but ${tag} does not exist`);
  return imageId;
}
