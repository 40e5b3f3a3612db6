/**
 * An error the local SageMaker answers with, in the shape the AWS SDK parses (docs/sagemaker-local.md,
 * "Errors"): HTTP status, `x-amzn-ErrorType: <type>` and a JSON body `{"__type", "message"}`, so the
 * real client raises an exception whose `name` is `type`.
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** Extra members of the error body (ModelError's OriginalStatusCode, ...). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

/** A bad request: malformed input, or a name SageMaker answers "Could not find" for. */
export function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** The name is taken (CreateTrainingJob / CreateTransformJob on an existing name). */
export function resourceInUse(message: string): AwsError {
  return new AwsError('ResourceInUse', message);
}

export function resourceNotFound(message: string): AwsError {
  return new AwsError('ResourceNotFound', message);
}
