import { hostRole } from './hosts.js';
import { parseHyperparameters } from './hyperparameters.js';
import { loadRatings } from './load-ratings.js';
import { epochLine, finalLine } from './metric-lines.js';
import { type OptMl, readConfigObject } from './opt-ml.js';
import { ModelStage } from './stage-model.js';
import { type TopNOutput, writeTopN } from './top-n-output.js';
import { trainSettings } from './train-settings.js';

export interface TrainJobReport {
  algorithm: string;
  /** False on a host other than the first: it trained nothing. */
  trained: boolean;
  source?: string | undefined;
  dataset?: { ratings: number; users: number; items: number } | undefined;
  modelFiles: string[];
  topN?: TopNOutput | undefined;
  metrics?: Record<string, number> | undefined;
}

/**
 * The `train` entrypoint's work: config files -> settings (bad hyperparameters fail before any
 * data is read) -> ratings -> fit (metric line per epoch) -> staged model -> optional top-N ->
 * model files moved into `<root>/model`. `signal` aborts it at any step (SIGTERM); the model
 * folder is then left as it was found. Progress and metrics go to `log` (stdout).
 */
export async function runTrainJob(p: OptMl, signal: AbortSignal, log: (line: string) => void): Promise<TrainJobReport> {
  const hp = parseHyperparameters((await readConfigObject(p.hyperparameters, false)) ?? {}, p.hyperparameters);
  const dataConfig = await readConfigObject(p.inputDataConfig, false);
  const role = hostRole(await readConfigObject(p.resourceConfig, false), p.resourceConfig);
  const s = trainSettings(hp);
  const algorithm = s.algorithm.name;
  for (const note of s.notes) log(`reckit-train: note: ${note}`);
  log(`reckit-train: ${algorithm} ${JSON.stringify(s.algorithm.params)}`);
  if (!role.leader) {
    log(
      `reckit-train: reckit trains on one host; ${role.current} is not the first of [${role.hosts.join(', ')}], so it writes no model`,
    );
    return { algorithm, trained: false, modelFiles: [] };
  }
  if (role.hosts.length > 1) {
    log(`reckit-train: reckit trains on one host: ${role.current} trains, the other ${role.hosts.length - 1} idle`);
  }
  const { matrix, source } = await loadRatings(s, { dataRoot: p.data, dataConfig }, signal);
  log(`reckit-train: ${matrix.nRatings} ratings, ${matrix.nUsers} users, ${matrix.nItems} items from ${source}`);
  const epochs = Number((s.algorithm.params as { epochs?: unknown }).epochs) || undefined;
  const model = await s.algorithm.fit(matrix, { signal, onEpoch: (e) => log(epochLine(e, epochs)) });
  const stage = await ModelStage.open(p.model);
  try {
    const metrics = await stage.save(model);
    const final = finalLine(metrics);
    if (final) log(final);
    const topN = await writeTopN(model, s, p.outputData, signal);
    if (topN) log(`reckit-train: top ${topN.n} for ${topN.users} users (${topN.rows} rows) to ${topN.to}`);
    signal.throwIfAborted();
    const modelFiles = await stage.commit();
    log(`reckit-train: model written to ${p.model} (${modelFiles.join(', ')})`);
    const dataset = { ratings: matrix.nRatings, users: matrix.nUsers, items: matrix.nItems };
    return { algorithm, trained: true, source, dataset, modelFiles, topN, metrics };
  } finally {
    await stage.discard();
  }
}
