/**
 * The user-defined bridge network the Docker runner puts pods on. Static
 * container addresses need a subnet the network was created with, so the
 * double picks a random 10.x.y.0/24 and retries when Docker reports an
 * overlap with another network. Labelled for cleanup, removed at close.
 */
import type Dockerode from 'dockerode';
import { IpPool } from '../kubelet/ip-pool.js';
import { DOUBLE_LABEL } from './docker.js';

export interface DockerNetwork {
  name: string;
  subnet: string;
  pool: IpPool;
  remove(): Promise<void>;
}

export async function createDockerNetwork(docker: Dockerode, doubleId: string): Promise<DockerNetwork> {
  const name = `kube-double-${doubleId}`;
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const prefix = `10.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 256)}`;
    const subnet = `${prefix}.0/24`;
    try {
      const network = await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: `${prefix}.1` }] },
        Labels: { [DOUBLE_LABEL]: doubleId },
      });
      return {
        name,
        subnet,
        pool: new IpPool(prefix, 2),
        remove: async () => {
          await network.remove().catch(() => {});
        },
      };
    } catch (e) {
      lastError = e;
      if (!/overlap|already/i.test((e as Error).message)) break;
    }
  }
  throw new Error(`kube-double: could not create a Docker network for pods: ${(lastError as Error)?.message ?? String(lastError)}`);
}
