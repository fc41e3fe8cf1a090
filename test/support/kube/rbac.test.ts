/**
 * Authentication and authorization: a wrong or missing token is 401; with
 * rules, requests are authorized as RBAC would (403 with the upstream
 * message, namespaced rules do not grant cluster-wide lists), a
 * SelfSubjectAccessReview answers from the same rules, and every request
 * is recorded with the verb RBAC saw.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { apiError, appDeployment, raw, startKit } from './test-kit.js';

describe('kube double: auth and RBAC', () => {
  test('401 without the token', async () => {
    const kit = await startKit();
    try {
      const res = await raw({ ...kit.kube, token: 'wrong' }, 'GET', '/api/v1/namespaces');
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    } finally {
      await kit.close();
    }
  });

  test('RBAC rules: 403 messages, namespace scoping, SelfSubjectAccessReview, recorded verbs', async () => {
    const kit = await startKit({
      rules: [
        { verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], apiGroups: ['apps'], resources: ['deployments'], namespaces: ['paas-shop'] },
        { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] },
        { verbs: ['create'], apiGroups: [''], resources: ['namespaces'] },
      ],
    });
    try {
      await kit.core.createNamespace({ body: { metadata: { name: 'paas-shop' } } });
      await kit.core.createNamespace({ body: { metadata: { name: 'paas-other' } } });
      await kit.apps.createNamespacedDeployment({ namespace: 'paas-shop', body: appDeployment('shop-v1-web', { replicas: 0 }) });

      const other = await apiError(kit.apps.readNamespacedDeployment({ namespace: 'paas-other', name: 'x' }));
      assert.equal(other.code, 403);
      assert.equal(
        other.status.message,
        'deployments.apps "x" is forbidden: User "system:serviceaccount:paas:paas" cannot get resource "deployments" in API group "apps" in the namespace "paas-other"',
      );
      assert.deepEqual(other.status.details, { name: 'x', group: 'apps', kind: 'deployments' });
      const clusterWide = await apiError(kit.apps.listDeploymentForAllNamespaces({}));
      assert.equal(clusterWide.code, 403);
      assert.equal(clusterWide.status.message, 'deployments.apps is forbidden: User "system:serviceaccount:paas:paas" cannot list resource "deployments" in API group "apps" at the cluster scope');
      const secrets = await apiError(kit.core.listNamespacedSecret({ namespace: 'paas-shop' }));
      assert.equal(secrets.status.message, 'secrets is forbidden: User "system:serviceaccount:paas:paas" cannot list resource "secrets" in API group "" in the namespace "paas-shop"');
      const scale = await apiError(kit.apps.readNamespacedDeploymentScale({ namespace: 'paas-shop', name: 'shop-v1-web' }));
      assert.match(scale.status.message, /cannot get resource "deployments\/scale" in API group "apps"/);
      await kit.core.listPodForAllNamespaces({});

      const review = async (attrs: k8s.V1ResourceAttributes): Promise<k8s.V1SubjectAccessReviewStatus | undefined> =>
        (await kit.authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attrs } } })).status;
      assert.equal((await review({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'paas-shop' }))?.allowed, true);
      assert.equal((await review({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'paas-other' }))?.allowed, false);
      assert.equal((await review({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'any' }))?.allowed, true);
      assert.equal((await review({ verb: 'delete', resource: 'pods', namespace: 'any' }))?.allowed, false);

      const verbs = kit.kube.requests.filter((r) => r.resourceRequest).map((r) => `${r.verb} ${r.apiGroup}/${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.allowed ? '' : ' (denied)'}`);
      assert.deepEqual(verbs, [
        'create /namespaces',
        'create /namespaces',
        'create apps/deployments',
        'get apps/deployments (denied)',
        'list apps/deployments (denied)',
        'list /secrets (denied)',
        'get apps/deployments/scale (denied)',
        'list /pods',
        'create authorization.k8s.io/selfsubjectaccessreviews',
        'create authorization.k8s.io/selfsubjectaccessreviews',
        'create authorization.k8s.io/selfsubjectaccessreviews',
        'create authorization.k8s.io/selfsubjectaccessreviews',
      ]);
      kit.kube.clearRequests();
      await new Promise<void>((resolve) => {
        void new k8s.Watch(kit.kc).watch('/apis/apps/v1/namespaces/paas-shop/deployments', { timeoutSeconds: 0 }, () => {}, () => resolve());
      });
      await kit.apps.deleteCollectionNamespacedDeployment({ namespace: 'paas-shop' }).catch(() => {});
      assert.deepEqual(kit.kube.requests.map((r) => r.verb), ['watch', 'deletecollection']);
    } finally {
      await kit.close();
    }
  });
});
