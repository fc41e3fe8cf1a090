/**
 * What the runtime scenarios need from each runtime: how to make a driver
 * over the same backend (a new one is a server restart), what a release of
 * each kind runs there, how to read what the app answered, and (Kubernetes)
 * checks of the objects left behind.
 */
import type { Runtime } from '../../server/runtime/runtime.js';
import type { ReleaseInput, ScenarioPlatform } from './scenario-platform.js';

export type ReleaseKind = 'good' | 'never-ready' | 'crash' | 'release-phase-fails';

export interface ObjectExpectations {
  /** The release whose set the stable Service selects. */
  live: number;
  /** The releases that have sets now. */
  sets: number[];
}

export interface RuntimeHarness {
  name: 'docker' | 'kubernetes';
  readyTimeoutMs: number;
  makeRuntime(): Runtime;
  release(kind: ReleaseKind): ReleaseInput;
  /** The app's answer: which release's instance served, and its GREETING. */
  answer(body: string): { release: string | undefined; greeting: string | undefined };
  checkObjects?(platform: ScenarioPlatform, app: string, want: ObjectExpectations): Promise<void>;
  checkGone?(app: string): Promise<void>;
  close(): Promise<void>;
}
