import { CancelledError } from '../../../engine/errors.js';
import { describeFailure, EXIT, writeFailure } from './failure.js';
import { optMl } from './opt-ml.js';
import { runTrainJob } from './train-job.js';

/**
 * `train`: runs the job and turns its outcome into what SageMaker reads: exit 0 on success; on
 * any error the failure file (first 1024 characters = FailureReason) and a non-zero exit.
 * SIGTERM and SIGINT abort the fit through its AbortSignal (Node as PID 1 has no default
 * handler, so these are installed explicitly); the run then exits within seconds, 143.
 */
export async function trainEntrypoint(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const paths = optMl(env);
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    process.stdout.write(`reckit-train: ${signal} received, stopping\n`);
    controller.abort(new CancelledError(signal));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    const report = await runTrainJob(paths, controller.signal, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`reckit-train: done ${JSON.stringify(report)}\n`);
    return EXIT.ok;
  } catch (error) {
    const { text, code } = describeFailure(error, controller.signal.aborted);
    try {
      await writeFailure(paths.failure, text);
    } catch (writeError) {
      process.stderr.write(`reckit-train: could not write ${paths.failure}: ${(writeError as Error).message}\n`);
    }
    process.stderr.write(`reckit-train: ${text.trimEnd()}\n`);
    return code;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}
