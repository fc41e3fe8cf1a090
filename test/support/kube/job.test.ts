/**
 * The Job controller with fake images: a successful run (Complete, logs,
 * completionTime, the job-tracking finalizer released), a failing one
 * (exit code in the pod status, backoffLimit, Failed with
 * BackoffLimitExceeded), activeDeadlineSeconds and ttlSecondsAfterFinished.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createNamespace, eventually, startKit, type Kit } from './test-kit.js';

const job = (name: string, command: string, extra: Record<string, unknown> = {}): any => ({
  metadata: { name },
  spec: { backoffLimit: 0, ...extra, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'fake.paas.test/release:1', command: ['/bin/sh', '-c', command] }] } } },
});

const condition = (j: any, type: string): any => (j?.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');

describe('kube double: jobs', () => {
  let kit: Kit;
  before(async () => {
    kit = await startKit();
    await createNamespace(kit, 'jobs');
  });
  after(() => kit.close());

  test('success: Complete, logs, pod labels, finalizer released', async () => {
    await kit.batch.createNamespacedJob({ namespace: 'jobs', body: job('migrate', 'echo migrating && echo done') });
    const j = await eventually('Complete', () => {
      const j = kit.kube.get('jobs', 'jobs', 'migrate');
      return condition(j, 'Complete') ? j : undefined;
    });
    assert.equal(j.status.succeeded, 1);
    assert.equal(j.status.active, undefined);
    assert.ok(j.status.startTime && j.status.completionTime);
    assert.equal(condition(j, 'Complete').reason, 'CompletionsReached');
    assert.ok(condition(j, 'SuccessCriteriaMet'));
    const pods = (await kit.core.listNamespacedPod({ namespace: 'jobs', labelSelector: 'batch.kubernetes.io/job-name=migrate' })).items;
    assert.equal(pods.length, 1);
    const p = pods[0];
    assert.match(p?.metadata?.name ?? '', /^migrate-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(p?.metadata?.labels?.['job-name'], 'migrate');
    assert.equal(p?.metadata?.labels?.['controller-uid'], j.metadata.uid);
    assert.equal(p?.metadata?.labels?.['batch.kubernetes.io/controller-uid'], j.metadata.uid);
    assert.equal(p?.status?.phase, 'Succeeded');
    assert.equal(p?.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.deepEqual(p?.metadata?.finalizers ?? [], []);
    const logs = await kit.core.readNamespacedPodLog({ namespace: 'jobs', name: p?.metadata?.name ?? '' });
    assert.equal(logs, 'migrating\ndone\n');
  });

  test('failure: the exit code, backoffLimit, Failed with BackoffLimitExceeded', async () => {
    await kit.batch.createNamespacedJob({ namespace: 'jobs', body: job('broken', 'echo trying && exit 3', { backoffLimit: 1 }) });
    const j = await eventually('Failed', () => {
      const j = kit.kube.get('jobs', 'jobs', 'broken');
      return condition(j, 'Failed') ? j : undefined;
    });
    assert.equal(condition(j, 'Failed').reason, 'BackoffLimitExceeded');
    assert.equal(condition(j, 'Failed').message, 'Job has reached the specified backoff limit');
    assert.ok(condition(j, 'FailureTarget'));
    assert.equal(j.status.failed, 2, 'backoffLimit 1 allows one retry');
    const pods = kit.kube.list('pods', 'jobs').filter((p) => p.metadata.labels?.['job-name'] === 'broken');
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.equal(p.status.phase, 'Failed');
      assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 3);
      assert.equal(p.status.containerStatuses[0].state.terminated.reason, 'Error');
    }
    const logs = await kit.core.readNamespacedPodLog({ namespace: 'jobs', name: pods[0]?.metadata.name });
    assert.equal(logs, 'trying\nexit 3\n');
  });

  test('activeDeadlineSeconds kills the pod and fails the job; ttlSecondsAfterFinished deletes it', async () => {
    await kit.batch.createNamespacedJob({ namespace: 'jobs', body: job('slow', 'sleep 30', { activeDeadlineSeconds: 1, ttlSecondsAfterFinished: 1 }) });
    const j = await eventually('DeadlineExceeded', () => {
      const j = kit.kube.get('jobs', 'jobs', 'slow');
      return condition(j, 'Failed') ? j : undefined;
    }, 8000);
    assert.equal(condition(j, 'Failed').reason, 'DeadlineExceeded');
    assert.equal(condition(j, 'Failed').message, 'Job was active longer than specified deadline');
    await eventually('the job to be deleted by its TTL', () => kit.kube.get('jobs', 'jobs', 'slow') === undefined, 8000);
    await eventually('its pods to be collected', () => !kit.kube.list('pods', 'jobs').some((p) => p.metadata.labels?.['job-name'] === 'slow'), 8000);
  });
});
