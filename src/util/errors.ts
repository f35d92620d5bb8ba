/**
 * Typed errors. Each carries a one-line message that says what went wrong, where, and how to fix it;
 * the CLI prints `error.message` alone and exits non-zero.
 */

/** Input data cannot be used (file missing, empty, not a CSV, a required column absent, no valid row). */
export class DataError extends Error {
  override name = 'DataError';
  constructor(message: string, readonly source?: string) {
    super(message);
  }
}

/** An option is out of range or of the wrong type (e.g. `k` larger than the number of customers). */
export class OptionsError extends Error {
  override name = 'OptionsError';
  constructor(message: string, readonly option?: string) {
    super(message);
  }
}

/** A saved model cannot be read, or does not fit the data given to it (wrong features, wrong version). */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(message: string, readonly source?: string) {
    super(message);
  }
}

/** True for the errors above: a user's mistake, reported as one line without a stack trace. */
export function isUserError(error: unknown): error is DataError | OptionsError | ModelError {
  return error instanceof DataError || error instanceof OptionsError || error instanceof ModelError;
}
