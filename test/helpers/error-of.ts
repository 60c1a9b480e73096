import { ScimError } from '../../src/scim/scim-error.ts';

/** Runs `run`, which must throw a ScimError, and returns that error for the test to inspect. */
export function errorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}
