import { InputError } from '../../engine/errors.js';

/** A request the server refuses, with the HTTP status that says why (400, 404, 405, 406, 413, 415). */
export class InvocationError extends InputError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
