import { validation } from './aws-error.js';

/** SageMaker's resource-name shape: 1-63 characters, [a-zA-Z0-9](-*[a-zA-Z0-9])*. */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Throws ValidationException naming the member when `name` is not a valid resource name. */
export function checkName(member: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw validation(
      `1 validation error detected: Value '${String(name)}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to 63 and satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`,
    );
  }
  return name;
}

/** A required member, or ValidationException naming it. */
export function required<T>(member: string, value: T | undefined | null): T {
  if (value === undefined || value === null) {
    throw validation(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** The ARN SageMaker gives a resource (account 000000000000 in local mode; names are lower-cased as in real ARNs). */
export function arn(region: string, kind: string, name: string): string {
  return `arn:aws:sagemaker:${region}:000000000000:${kind}/${name.toLowerCase()}`;
}
