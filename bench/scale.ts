/**
 * bench scale: the cost of one app's change must not grow with the number
 * of apps (issue: "Cost must not grow with the number of apps"). Each part
 * measures the same operations with few apps and with many, in one run, and
 * judges the ratio:
 *   memory      in-memory runtime, 1 vs 1,000 apps          target ≤ 2×
 *   kubernetes  Kubernetes driver + API double, 1 vs 1,000   target ≤ 2×
 *   docker      real paas-server on the Docker engine, 1 vs 60 apps: warm rollback,
 *               push-to-live and restart-to-all-serving     target ≤ 1.2×
 *   router      the router's p99 while 60 apps on Docker reconcile after a control-plane
 *               restart, against its p99 at rest             target ≤ 1.5× or +2 ms
 *
 * Restart is judged per app where the work itself is per app (in-process: no
 * process start to amortise): restart time divided by the number of apps.
 *
 *   node dist/bench/scale.js [memory] [kubernetes] [docker] [--apps-memory N] [--apps-kubernetes N] [--apps-docker N]
 */
import { KubeConfig } from '@kubernetes/client-node';
import { makeKubeClients } from '../server/runtime/kubernetes/kube-clients.js';
import { createKubernetesRuntime } from '../server/runtime/kubernetes/kubernetes-runtime.js';
import { startKubeDouble } from '../test/support/kube/double.js';
import { createMemoryRuntime } from '../test/support/memory-runtime.js';
import { measureDocker } from './support/scale-docker.js';
import { measureRouterIsolation } from './support/scale-router.js';
import { measureInProcess, type Figures } from './support/scale-inprocess.js';
import { runBench } from './support/main.js';
import { formatSummary, ms, print, printHeader, printVerdicts, summarize, type Verdict } from './support/report.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const parts = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const chosen = parts.length > 0 ? parts : ['memory', 'kubernetes', 'docker', 'router'];
const ROUNDS = { rollback: 10, deploy: 5, restart: 3 };

runBench('scale', 1_200_000, async ({ defer }) => {
  printHeader('scale', [
    'Each part sets up N apps, each with two releases (v2 serving, v1 warm), then times operations on one of them:',
    '  rollback: a warm rollback until the route table (router) has it; deploy: a new release until it serves through the router;',
    '  restart: a new control plane over the same store and backend until every app converged (docker: kill -9 of paas-server',
    '  and a new one until every app answers 200 through its router). Ratios are of medians, many apps over one.',
    `rounds per size: rollback ${ROUNDS.rollback}, deploy ${ROUNDS.deploy}, restart ${ROUNDS.restart}.`,
  ]);
  const verdicts: Verdict[] = [];
  const judge = (part: string, small: Figures, large: Figures, target: number, restartPerApp: boolean) => {
    for (const what of ['rollback', 'deploy', 'restart'] as const) {
      const a = summarize(small[what]);
      const b = summarize(large[what]);
      print(`${part} ${what} with ${small.apps} app(s): ${formatSummary(a)}`);
      print(`${part} ${what} with ${large.apps} apps: ${formatSummary(b)}`);
      const perApp = what === 'restart' && restartPerApp;
      const ratio = perApp ? (b.median / large.apps) / (a.median / small.apps) : b.median / a.median;
      verdicts.push({
        name: `${part} ${what}${perApp ? ' per app' : ''} ${large.apps} apps`,
        value: perApp ? `${ms(b.median / large.apps)} per app (all ${ms(b.median)})` : `median ${ms(b.median)}`,
        reference: perApp ? `${small.apps} app(s) ${ms(a.median / small.apps)} per app` : `${small.apps} app(s) median ${ms(a.median)}`,
        ratio: ratio.toFixed(2), target: `≤ ${target}×`, pass: ratio <= target,
      });
    }
  };

  if (chosen.includes('memory')) {
    const runtime = createMemoryRuntime();
    defer(() => runtime.shutdown());
    const measure = (apps: number) => measureInProcess({
      label: 'memory', makeRuntime: () => runtime, release: { image: 'img:app', processTypes: { web: '' } }, apps, concurrency: 8, rounds: ROUNDS,
    });
    judge('memory', await measure(1), await measure(option('apps-memory', 1000)), 2, true);
  }

  if (chosen.includes('kubernetes')) {
    const kube = await startKubeDouble({ probePeriodMs: 1000, nodeCapacity: { cpu: '4000', memory: '16Ti', pods: 100_000 } });
    defer(() => kube.close());
    const config = new KubeConfig();
    config.loadFromString(kube.kubeconfig());
    const clients = await makeKubeClients(config);
    let installation = 0;
    const measure = (apps: number) => {
      installation++;
      return measureInProcess({
        label: 'kubernetes',
        makeRuntime: () => createKubernetesRuntime({
          clients, checkPermissions: false,
          settings: { namespacePrefix: `s${installation}-`, installation: `bench${installation}`, drainSeconds: 0, readyTimeoutSeconds: 60, registry: { push: 'r.example', pull: 'r.example' } },
        }),
        release: { image: 'fake.paas.test/app', processTypes: { web: '' } }, apps, concurrency: 16, rounds: ROUNDS,
      });
    };
    judge('kubernetes', await measure(1), await measure(option('apps-kubernetes', 1000)), 2, true);
  }

  if (chosen.includes('docker')) {
    const result = await measureDocker({ apps: option('apps-docker', 60), rounds: ROUNDS, defer });
    judge('docker', result.small, result.large, 1.2, false);
  }

  if (chosen.includes('router')) {
    const result = await measureRouterIsolation({ apps: option('apps-docker', 60), defer });
    const rest = p99(result.atRest);
    const busy = p99(result.duringRestart);
    const shared = p99(result.sharedLoopDuringRestart);
    print(`router p99 at rest: ${ms(rest)} (${formatSummary(summarize(result.atRest))})`);
    print(`router p99 while ${result.apps} apps reconcile (${ms(result.restartMs)}): ${ms(busy)} (${formatSummary(summarize(result.duringRestart))})`);
    print(`reference, router on the control plane's loop, same restart: p99 ${ms(shared)} (${formatSummary(summarize(result.sharedLoopDuringRestart))})`);
    verdicts.push({
      name: `router p99 while ${result.apps} apps reconcile`, value: ms(busy), reference: `at rest ${ms(rest)}; on the shared loop ${ms(shared)}`,
      target: '≤ 1.5× or +2 ms of at rest', pass: busy <= Math.max(1.5 * rest, rest + 2),
    });
  }

  printVerdicts(verdicts);
  return verdicts.every((v) => v.pass);
});

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN;
}
