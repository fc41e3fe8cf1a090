/**
 * Service address allocators, as the apiserver's service IP and node port
 * allocators hand them out: ClusterIPs from 10.96.0.0/12 (10.96.0.1 is the
 * `kubernetes` Service, so dynamic allocation starts above the first ten
 * addresses as kubeadm clusters look), node ports from 30000-32767.
 */
/** Thrown when a requested address cannot be had; the message is the allocator's. */
export class AllocationError extends Error {}

const inServiceRange = (ip: string): boolean => {
  const m = /^10\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return !!m && Number(m[1]) >= 96 && Number(m[1]) <= 111 && Number(m[2]) <= 255 && Number(m[3]) <= 255;
};

export class ClusterIPAllocator {
  private readonly used = new Set<string>();
  private next = 10;

  /** A specific address (spec.clusterIP set by the client), or the next free one. */
  allocate(requested?: string): string {
    if (requested) {
      if (!inServiceRange(requested)) throw new AllocationError(`failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is 10.96.0.0/12`);
      if (this.used.has(requested)) throw new AllocationError(`failed to allocate IP ${requested}: provided IP is already allocated`);
      this.used.add(requested);
      return requested;
    }
    for (;;) {
      const n = this.next++;
      const ip = `10.${96 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
      if (n % 256 === 0 || this.used.has(ip)) continue;
      this.used.add(ip);
      return ip;
    }
  }

  release(ip: string): void {
    this.used.delete(ip);
  }
}

export class NodePortAllocator {
  private next = 30000;

  allocate(): number {
    if (this.next > 32767) throw new Error('kube-double: node ports exhausted');
    return this.next++;
  }
}
