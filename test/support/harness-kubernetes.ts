import type { RuntimeHarness } from './harness.js';

export async function kubernetesHarness(): Promise<RuntimeHarness | string> {
  return 'the Kubernetes API double is not wired yet';
}
