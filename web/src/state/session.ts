/**
 * Who is signed in. GET /v1/auth/state decides between first-run setup, sign in and the app;
 * any 401 from another route (expired cookie) drops back to sign in.
 */
import { signal } from '@preact/signals';
import type { User } from '../../../protocol/src/index.ts';
import { api } from '../lib/endpoints.ts';
import { configureApi, errorMessage } from '../lib/api.ts';
import { resetLists } from './lists.ts';

export type Session =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'setup' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in'; user: User };

export const session = signal<Session>({ kind: 'loading' });

/** Every change of user drops the cached lists, so nothing of one account shows to another. */
function setSession(next: Session): void {
  const prev = session.peek();
  const prevUser = prev.kind === 'signed-in' ? prev.user.id : null;
  const nextUser = next.kind === 'signed-in' ? next.user.id : null;
  if (prevUser !== nextUser) resetLists();
  session.value = next;
}

export async function loadSession(): Promise<void> {
  try {
    const state = await api.authState();
    if (state.setupRequired) setSession({ kind: 'setup' });
    else setSession(state.user ? { kind: 'signed-in', user: state.user } : { kind: 'signed-out' });
  } catch (err) {
    setSession({ kind: 'error', message: errorMessage(err) });
  }
}

export function startSession(): void {
  configureApi({
    onUnauthorized: (path) => {
      if (path.startsWith('/v1/auth/')) return;
      if (session.value.kind === 'signed-in') setSession({ kind: 'signed-out', notice: 'Your session ended. Sign in again.' });
    },
  });
  void loadSession();
}

export function signedIn(user: User): void {
  setSession({ kind: 'signed-in', user });
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } finally {
    setSession({ kind: 'signed-out' });
  }
}
