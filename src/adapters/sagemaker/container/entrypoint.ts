/**
 * The container's entrypoint: `node --no-memory-reducer bin/reckit-container.js train|serve`.
 * SageMaker runs the image with the single argument `train` or `serve` (docs/sagemaker-container.md);
 * each mode's code is loaded only when it runs, so the server holds no training code.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const mode = argv[0];
  if (mode === 'train') return (await import('./train-entrypoint.js')).trainEntrypoint();
  if (mode === 'serve') return (await import('./serve-entrypoint.js')).serveEntrypoint();
  const usage = [
    'usage: reckit-container train|serve',
    '  train  fit the model named by /opt/ml/input/config/hyperparameters.json into /opt/ml/model',
    '  serve  answer /ping and /invocations from /opt/ml/model on $SAGEMAKER_BIND_TO_PORT or 8080',
    'RECKIT_OPT_ML names another root than /opt/ml. See docs/sagemaker-container.md.',
    '',
  ].join('\n');
  if (mode === '--help' || mode === '-h' || mode === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  process.stderr.write(`reckit-container: unknown mode ${JSON.stringify(mode ?? '')}\n${usage}`);
  return 2;
}
