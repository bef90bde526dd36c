/**
 * What the headless host and the renderer's HTTP client agree on besides the api methods: the paths
 * of the event stream and the session check, the header that marks the UI's own calls (CSRF, see
 * src-main/host/http/csrf.ts), and the session check's answer.
 */

export const EVENTS_PATH = '/api/events';
export const SESSION_PATH = '/api/session';

/** Sent by the UI with every api call it authenticates with the session cookie. */
export const CSRF_HEADER = 'x-companion';
export const CSRF_HEADER_VALUE = '1';

/** How to get a fresh sign-in URL, as the host tells a tab that lost access. */
export interface SignInHint {
  /** the command that prints a fresh URL, for how the host was started; null when it was started with --token */
  command: string | null;
  /** the host was started with `--token`: only the person who gave it knows the token */
  tokenFromFlag: boolean;
}

/** `GET /api/session` */
export type SessionAnswer = { signedIn: true } | { signedIn: false; signIn: SignInHint };
