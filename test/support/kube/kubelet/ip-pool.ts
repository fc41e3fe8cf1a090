/**
 * Pod IPs, as a CNI IPAM plugin hands them out: one per pod sandbox,
 * released when the pod is gone. The fake runner uses loopback addresses
 * (all of 127.0.0.0/8 is local on Linux, so an in-process server can bind
 * any of them); each double takes its own 127.N.0.0/16 so that several
 * test processes running doubles at once never hand out the same address.
 * Host parts .0 and .255 are skipped as a /24-minded reader would expect.
 */

export class IpPool {
  private next = 0;
  private readonly free: string[] = [];
  private readonly used = new Set<string>();

  /** `prefix` is the first three octets' worth of a /16 ("127.42") or a /24 ("10.1.2"). */
  constructor(
    private readonly prefix: string,
    private readonly firstHost = 1,
  ) {}

  allocate(): string {
    const reused = this.free.shift();
    if (reused !== undefined) {
      this.used.add(reused);
      return reused;
    }
    for (;;) {
      const n = this.firstHost + this.next++;
      const octets = this.prefix.split('.').length;
      const ip = octets === 2 ? `${this.prefix}.${Math.floor(n / 256)}.${n % 256}` : `${this.prefix}.${n}`;
      const last = n % 256;
      if (octets === 3 && n > 254) throw new Error(`kube-double: pod IP pool ${this.prefix}.0/24 is exhausted`);
      if (last === 0 || last === 255) continue;
      this.used.add(ip);
      return ip;
    }
  }

  release(ip: string): void {
    if (this.used.delete(ip)) this.free.push(ip);
  }
}

/** A random 127.N /16 for this double, N in 2..254 (127.0 and 127.1 are left to everything else on the host). */
export function loopbackPool(): IpPool {
  return new IpPool(`127.${2 + Math.floor(Math.random() * 253)}`);
}
