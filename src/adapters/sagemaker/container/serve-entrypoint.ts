import { InputError } from '../../../engine/errors.js';
import { SERVER_NODE_FLAGS } from '../node-flags.js';
import { resolvePort, servedSummary, serveModel } from '../serve-model.js';
import { optMl } from './opt-ml.js';

/** Under SageMaker's 30 s between SIGTERM and SIGKILL, so a drain that hangs still exits on its own. */
const HARD_STOP_MS = 25_000;

/**
 * `serve`: loads `<root>/model` (SageMaker extracts model.tar.gz there before starting the
 * container), then listens on SAGEMAKER_BIND_TO_PORT or 8080, on 0.0.0.0 (RECKIT_BIND_HOST
 * overrides it for local tests). Prints one JSON line `{"event":"listening","port":...}` on
 * stdout once /ping answers. SIGTERM (scale-in, UpdateEndpoint) or SIGINT: stop accepting, finish
 * the requests in flight, exit 0. Node's flags come from the image's ENTRYPOINT (`node
 * --no-memory-reducer`), so PID 1 is the server itself.
 */
export async function serveEntrypoint(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const paths = optMl(env);
  let stopRequested = false;
  let onStop = () => {};
  const stop = () => {
    stopRequested = true;
    onStop();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    const missing = SERVER_NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
    if (missing.length) {
      process.stderr.write(
        `reckit-serve: note: Node started without ${missing.join(' ')} (the image's ENTRYPOINT passes it)\n`,
      );
    }
    const port = resolvePort(undefined, env);
    const host = env.RECKIT_BIND_HOST || '0.0.0.0';
    const running = await serveModel({ modelDir: paths.model, port, host });
    const info = {
      event: 'listening',
      port: running.port,
      host: running.host,
      model: paths.model,
      ...servedSummary(running),
      loadSeconds: running.loadSeconds,
      pid: process.pid,
    };
    process.stdout.write(`${JSON.stringify(info)}\n`);
    if (!stopRequested) await new Promise<void>((resolve) => (onStop = resolve));
    const inFlight = running.server.inFlight;
    const hardStop = setTimeout(() => {
      process.stderr.write(`reckit-serve: requests still running ${HARD_STOP_MS / 1000} s after SIGTERM; exiting\n`);
      process.exit(1);
    }, HARD_STOP_MS);
    hardStop.unref();
    // drain() closes the connections idle at that moment; one whose request was in flight turns
    // idle after answering and, kept alive by the client (SageMaker's front end keeps its own
    // connections ~60 s), would hold the exit until the hard stop: close those as they go idle.
    const sweep = setInterval(() => running.server.server.closeIdleConnections(), 50);
    await running.server.drain();
    clearInterval(sweep);
    clearTimeout(hardStop);
    process.stderr.write(`reckit-serve: stopped after draining ${inFlight} in-flight request(s)\n`);
    return 0;
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`reckit-serve: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`reckit-serve: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}
