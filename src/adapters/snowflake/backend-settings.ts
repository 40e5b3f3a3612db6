import { InputError } from '../../engine/errors.js';
import type { FunctionsBackend } from './backend.js';
import type { SageMakerBackendOptions } from './sagemaker-backend.js';

/** What chooses and configures a backend, from CLI flags or a Lambda's environment. */
export type BackendSettings = Omit<Partial<SageMakerBackendOptions>, 'roleArn' | 's3Prefix' | 'image'> & {
  roleArn?: string | undefined;
  s3Prefix?: string | undefined;
  image?: string | undefined;
  /** local (default) or sagemaker. */
  backend?: string | undefined;
  warehouse: string;
  stateDir: string;
  folds?: number | undefined;
};

/** The setting names a user writes (flags or environment variables), for the messages. */
export type SettingNames = Record<'backend' | 'roleArn' | 's3Prefix' | 'image', string>;

/**
 * The backend the settings ask for: `local` (in-process) or `sagemaker`, whose role, S3 prefix and
 * image are required and named in the error as the user wrote them. Credentials and region come
 * from the AWS SDK's default chain, never from settings.
 */
export async function createBackend(s: BackendSettings, names: SettingNames): Promise<FunctionsBackend> {
  const kind = s.backend ?? 'local';
  if (kind === 'local') {
    const { LocalBackend } = await import('./local-backend.js');
    return new LocalBackend({ warehouse: s.warehouse, snowflake: s.snowflake, stateDir: s.stateDir, folds: s.folds });
  }
  if (kind !== 'sagemaker') throw new InputError(`${names.backend} ${kind}: expected local or sagemaker`);
  const need = (key: 'roleArn' | 's3Prefix' | 'image', what: string): string => {
    const v = s[key];
    if (!v) throw new InputError(`the sagemaker backend needs ${names[key]}: ${what}`);
    return v;
  };
  const roleArn = need('roleArn', 'the execution role ARN of jobs and models');
  const s3Prefix = need('s3Prefix', 's3://bucket/prefix for exported tables and artifacts');
  if (!s3Prefix.startsWith('s3://')) throw new InputError(`${names.s3Prefix} ${s3Prefix}: expected s3://bucket/prefix`);
  const image = need('image', "the reckit container image's URI");
  const { SageMakerFunctionsBackend } = await import('./sagemaker-backend.js');
  return new SageMakerFunctionsBackend({ ...s, roleArn, s3Prefix, image });
}
