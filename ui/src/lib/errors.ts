// What a rejected command carries, made safe to show: the Rust side rejects with an `ApiError`
// ({code, message}, see bindings.ts); anything else (a bug, a missing command) is wrapped.
import type { ApiError } from './bindings';

/** Turns whatever a command rejected with into an ApiError the UI can show. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    return e as ApiError;
  }
  return { code: 'unexpected', message: String(e) };
}
