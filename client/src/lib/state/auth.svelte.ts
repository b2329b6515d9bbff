/**
 * Who is looking at the page. Two ways in: a coordinator signs in (the token is kept in localStorage so a reload does not
 * sign them out), a wall display opens `/display?token=…` (the link is the credential; nothing is stored).
 * Any 401 ends the session: coordinators see the sign-in form again, a display says its link no longer works.
 */
import type { SessionReply } from '../../../../shared/schemas/auth';
import { ApiClient, ApiError } from '../api';
import { i18n, t } from '../i18n/i18n.svelte';
import { waitInWords } from '../time';

export type Route = 'coordinator' | 'operations' | 'report' | 'route-sheets' | 'display' | 'not_found';
export type AuthStatus = 'signed_out' | 'loading' | 'ready' | 'failed';

const STORAGE_KEY = 'vigil.coordinator-session';
/** A wall display that could not reach the server asks again this often, by itself: nobody is there to click. */
const DISPLAY_SESSION_RETRY_MS = 5_000;

interface StoredSession {
  token: string;
  expiresAt: string;
}

export function routeOf(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return 'coordinator';
  if (path === '/display') return 'display';
  if (path === '/operations') return 'operations';
  if (path === '/operations/summary') return 'report';
  if (path === '/operations/route-sheets') return 'route-sheets';
  return 'not_found';
}

export class AuthState {
  route = $state<Route>('coordinator');
  token = $state<string | null>(null);
  current = $state<SessionReply | null>(null);
  status = $state<AuthStatus>('signed_out');
  /** Why the user is looking at a sign-in form or an error rather than the map. */
  problem = $state<string | null>(null);
  /** A display whose link was revoked or is unknown: it stays locked (no retrying) until someone opens a new link. */
  locked = $state(false);
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Rebuilt when the token changes; every call through it ends the session on a 401. */
  api = $derived(new ApiClient({ token: this.token, onUnauthorized: () => this.#unauthorized() }));

  init(url: URL): void {
    this.route = routeOf(url.pathname);
    if (this.route === 'display') {
      const token = url.searchParams.get('token');
      if (token === null || token === '') {
        this.lock(t('app.displayNoToken'));
        return;
      }
      this.token = token;
    } else if (['coordinator', 'operations', 'report', 'route-sheets'].includes(this.route)) {
      this.token = readStoredToken();
    }
    if (this.token !== null) void this.#loadSession();
  }

  async login(username: string, password: string): Promise<void> {
    this.problem = null;
    this.status = 'loading';
    try {
      const reply = await new ApiClient().login({ username, password });
      storeToken({ token: reply.token, expiresAt: reply.expiresAt });
      this.token = reply.token;
      // The username, as GET /api/auth/session gives it after a reload: findings are assigned by it ("mine").
      this.current = {
        role: reply.role,
        teamId: null,
        name: reply.coordinator.username,
        mission: reply.mission,
        display: null,
      };
      this.status = 'ready';
    } catch (error) {
      this.status = 'signed_out';
      this.problem = signInProblem(error);
    }
  }

  signOut(): void {
    clearStoredToken();
    this.token = null;
    this.current = null;
    this.status = 'signed_out';
    this.problem = null;
  }

  /** The server said this display link was revoked: blank the wall and say so. */
  lock(reason: string): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.current = null;
    this.locked = true;
    this.#fail(reason);
  }

  async #loadSession(): Promise<void> {
    if (this.status !== 'failed') this.status = 'loading';
    try {
      const current = await this.api.session();
      if (this.locked) return;
      this.current = current;
      this.problem = null;
      this.status = 'ready';
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      this.#fail(`Could not reach the server: ${error instanceof Error ? error.message : String(error)}`);
      if (this.route === 'display' && !this.locked && this.#retryTimer === null) {
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = null;
          void this.#loadSession();
        }, DISPLAY_SESSION_RETRY_MS);
      }
    }
  }

  #unauthorized(): void {
    if (this.route === 'display') {
      this.lock(t('app.displayRevoked'));
      return;
    }
    clearStoredToken();
    this.token = null;
    this.current = null;
    this.status = 'signed_out';
    this.problem = t('app.sessionEnded');
  }

  #fail(problem: string): void {
    this.status = 'failed';
    this.problem = problem;
  }
}

function readStoredToken(): string | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw === null) return null;
    const stored = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof stored.token !== 'string' || typeof stored.expiresAt !== 'string') return null;
    if (Date.parse(stored.expiresAt) <= Date.now()) {
      clearStoredToken();
      return null;
    }
    return stored.token;
  } catch {
    // Storage disabled (private mode) or a corrupt entry: the user simply signs in.
    return null;
  }
}

function storeToken(session: StoredSession): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Without storage the session lasts as long as the tab; nothing else to do.
  }
}

function clearStoredToken(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // See storeToken.
  }
}

export const auth = new AuthState();

/** What the login page says when signing in failed: a 429 says, in words, how long to wait (the server's Retry-After). */
export function signInProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return t('app.wrongPassword');
  if (error instanceof ApiError && error.status === 429 && error.retryAfterSeconds !== null) {
    return t('app.tooManyAttempts', { wait: waitInWords(error.retryAfterSeconds, i18n.language) });
  }
  return t('app.signInFailed', { message: error instanceof Error ? error.message : String(error) });
}
