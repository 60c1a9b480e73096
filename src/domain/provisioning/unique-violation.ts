import { scimErrors } from '../../scim/scim-error.ts';
import { UniqueViolationError } from '../../store/store-errors.ts';

/** Turns the store's unique-index refusal into the SCIM 409 the IdP expects (RFC 7644 §3.3). */
export async function mapUniqueViolation<T>(run: () => Promise<T>, describe: () => string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UniqueViolationError) throw scimErrors.uniqueness(describe());
    throw error;
  }
}
