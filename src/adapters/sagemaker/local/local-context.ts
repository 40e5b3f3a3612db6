import type { ObjectStore } from '../client/object-store.js';
import type { ContainerCommand } from './container-process.js';

/** What every part of the local SageMaker shares. */
export interface LocalContext {
  region: string;
  /** Working folder: temporary /opt/ml trees live under it (each removed when its job or endpoint ends). */
  root: string;
  store: ObjectStore;
  container: ContainerCommand;
  /** SIGTERM to SIGKILL for a training job (SageMaker: 120 s). */
  trainingStopGraceMs: number;
  /** SIGTERM to SIGKILL for a serving container (SageMaker: 30 s). */
  servingStopGraceMs: number;
  /** Default time a new serving container has to answer /ping (ContainerStartupHealthCheckTimeoutInSeconds overrides). */
  startupTimeoutMs: number;
  /** Receives every container log line, prefixed with its job or endpoint (the CloudWatch stand-in). */
  log: (line: string) => void;
  /** Registers background work (a job, an endpoint's start) so close() can wait for it. */
  track(work: Promise<unknown>): void;
}

/** Epoch seconds, the JSON 1.1 timestamp format the SDK turns into Date. */
export function now(): number {
  return Date.now() / 1000;
}
