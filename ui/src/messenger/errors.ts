// What the customer reads when something fails: the server's own words, except where a code
// deserves a sentence that says what to do next.
import { isApiError, NETWORK_MESSAGE } from './api';

export const SESSION_ENDED = 'Your session ended; sign in again.';

const MESSAGES: Record<string, string> = {
  invalid_link: 'This link has expired or is not valid any more. Sign in with your email to continue.',
  identity_verification_failed:
    "This site couldn't confirm who you are, so your conversations can't be opened here. Sign in with your email instead.",
  invalid_code: 'That code is not right, or it has expired. Check the latest email, or send a new code.',
  rate_limited: 'Too many attempts. Wait a minute, then try again.',
  network: NETWORK_MESSAGE,
};

/** The sentence to show for an error (an ApiError's code, or anything thrown). */
export function errorMessage(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 401 && e.code === 'unauthorized') return SESSION_ENDED;
    return MESSAGES[e.code] ?? e.message;
  }
  if (e instanceof Error && e.message) return e.message;
  return 'Something went wrong. Try again.';
}

/** Whether the error is "this thing does not exist (for you)". */
export function isNotFound(e: unknown): boolean {
  return isApiError(e) && e.status === 404;
}

/** Why the embedding site's identity did not sign the customer in. */
export function identityErrorMessage(e: unknown): string {
  if (isApiError(e) && (e.code === 'identity_verification_failed' || e.code === 'network')) return errorMessage(e);
  return `We couldn't sign you in through this site (${errorMessage(e)}). Sign in with your email instead.`;
}
