import type { Command } from 'commander';
import { type CliContext, emit } from '../context.js';

/**
 * `reckit serve --model DIR [--port N]`: the inference server (SageMaker hosting contract). Runs
 * until SIGTERM (the platform's stop signal) or Ctrl-C, then answers every request already
 * received and exits 0 (docs/serving.md, "Stopping"). A hard stop after 25 s stays inside SageMaker's 30 s SIGKILL grace.
 * It runs in the Node process the user started, with the Node flags given on its command line
 * (docs/serving.md, "Node flags").
 */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve a model over HTTP: GET /ping, POST /invocations (SageMaker hosting contract)')
    .option('--model <dir>', 'model directory written by train/quickstart (default /opt/ml/model unless --index alone)')
    .option(
      '--index <dir>',
      'serve an embedding index written by reckit index / saveIndex ({"vector": [...]} instances), beside the model or alone',
    )
    .option('--port <n>', 'port (default $SAGEMAKER_BIND_TO_PORT or 8080; 0 = any free port)')
    .option('--host <addr>', 'address to bind', '0.0.0.0')
    .option('--json', 'print the listening line as JSON')
    .addHelpText(
      'after',
      `
Limits per request (413 past them) and connection deadlines (408), from the environment:
  RECKIT_SERVE_MAX_INSTANCES (2000000), RECKIT_SERVE_MAX_SCORED (20000000 items scored),
  RECKIT_SERVE_MAX_RETURNED (2000000 scores), SAGEMAKER_MAX_PAYLOAD_IN_MB (6),
  RECKIT_SERVE_HEADERS_TIMEOUT_MS (20000), RECKIT_SERVE_REQUEST_TIMEOUT_MS (60000),
  RECKIT_SERVE_KEEPALIVE_TIMEOUT_MS (65000). See docs/serving.md.
Node flags go on Node's command line: node --no-memory-reducer "$(npm root)/reckit/bin/reckit.js" serve ...`,
    )
    .action(async (o: { model: string; index?: string; port?: string; host: string; json?: boolean }) => {
      const { resolvePort, SAGEMAKER_MODEL_DIR, serveModel, servedSummary } = await import(
        '../../sagemaker/serve-model.js'
      );
      const port = resolvePort(o.port);
      const modelDir = o.model ?? (o.index ? undefined : SAGEMAKER_MODEL_DIR);
      const running = await serveModel({ modelDir, port, host: o.host, indexDir: o.index });
      const info = {
        event: 'listening',
        url: `http://${running.host}:${running.port}`,
        port: running.port,
        ...(modelDir ? { model: modelDir } : {}),
        ...(o.index ? { index: o.index } : {}),
        ...servedSummary(running),
        loadSeconds: running.loadSeconds,
        pid: process.pid,
        nodeFlags: process.execArgv,
      };
      // Listening for SIGTERM before saying so: a supervisor that stops the server as soon as it
      // reads the listening line must not find Node's default (die at once, nothing drained).
      const stopped = stopSignal(ctx.signal);
      const m = running.model;
      const what = m
        ? `${m.algorithm} model from ${modelDir} (${m.users.size} users, ${m.items.size} items`
        : `embedding index from ${o.index ?? modelDir} (${running.index?.size} items x ${running.index?.dim} dims`;
      emit(
        ctx,
        o.json,
        info,
        () => `reckit serve: ${what}, loaded in ${info.loadSeconds.toFixed(3)} s) listening on ${info.url}\n`,
      );
      await stopped;
      const inFlight = running.server.inFlight;
      const hardStop = setTimeout(() => process.exit(1), 25_000);
      hardStop.unref();
      await running.server.drain();
      clearTimeout(hardStop);
      ctx.err(`reckit serve: stopped after draining ${inFlight} in-flight request(s)\n`);
    });
}

/** Resolves on SIGTERM or when the CLI's signal aborts (Ctrl-C). */
function stopSignal(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGTERM', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGTERM', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
