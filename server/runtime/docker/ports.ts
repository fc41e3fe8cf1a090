/**
 * Port allocation for host-networked instances. The driver, not the
 * controller, owns addressing (runtime.ts), and Docker will not catch a
 * clash for us: with host networking two containers happily get the same
 * PORT and the second app fails to bind. So a port is free only when no
 * paas container (running or not: a crashed one restarts onto its port)
 * carries it in its label AND nothing else on the host is bound to it now.
 *
 * Allocations are serialized per driver and held until the container that
 * carries the port label exists; after that the label is the reservation.
 */
import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';
import { PaasError } from '../../errors.js';

export interface PortRange {
  from: number;
  to: number;
}

export const DEFAULT_PORT_RANGE: PortRange = { from: 20000, to: 29999 };

/** Bounds the bind probes of one allocation, so a crowded host fails fast instead of scanning 10k ports. */
export const MAX_PROBES = 256;

export function assertPortRange(range: PortRange): PortRange {
  const ok = Number.isInteger(range.from) && Number.isInteger(range.to) && range.from >= 1024 && range.to <= 65535 && range.from <= range.to;
  if (!ok) {
    throw new PaasError('VALIDATION_FAILED', `Invalid instance port range ${range.from}-${range.to}`, {
      hint: 'Give two ports between 1024 and 65535, the first not above the second, e.g. 20000-29999.',
    });
  }
  return range;
}

/**
 * Candidates in scan order: from `start`, upwards, wrapping at the end of the
 * range, skipping held ports. Starting at a random point rather than the
 * bottom avoids handing a just-freed port to another app while a router may
 * still hold the old address.
 */
export function* portCandidates(range: PortRange, held: ReadonlySet<number>, start: number): Generator<number> {
  const size = range.to - range.from + 1;
  const offset = Math.min(Math.max(start - range.from, 0), size - 1);
  for (let i = 0; i < size; i++) {
    const port = range.from + ((offset + i) % size);
    if (!held.has(port)) yield port;
  }
}

/** True when `host:port` can be bound right now (listen, then close at once). */
export function isPortBindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface FindPortOptions {
  range: PortRange;
  held: ReadonlySet<number>;
  host: string;
  probe?: (port: number, host: string) => Promise<boolean>;
  random?: (min: number, max: number) => number;
  maxProbes?: number;
}

export async function findFreePort(options: FindPortOptions): Promise<number> {
  const { range, held, host } = options;
  const probe = options.probe ?? isPortBindable;
  const random = options.random ?? ((min: number, max: number) => randomInt(min, max + 1));
  const maxProbes = options.maxProbes ?? MAX_PROBES;
  let busy = 0;
  for (const port of portCandidates(range, held, random(range.from, range.to))) {
    if (busy >= maxProbes) break;
    if (await probe(port, host)) return port;
    busy++;
  }
  throw new PaasError('UNAVAILABLE', `No free port for a new instance in ${range.from}-${range.to} (${held.size} held by paas instances, ${busy} tried were busy on ${host})`, {
    hint: 'Scale down or delete unused apps, or give the server a wider instance port range.',
  });
}

/** Runs tasks one after another: the critical section of allocation. */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** The smallest instance number ≥ 1 not in use: web.1, web.2, … (a freed number is reused, as on Heroku). */
export function nextIndex(used: ReadonlySet<number>): number {
  let index = 1;
  while (used.has(index)) index++;
  return index;
}
