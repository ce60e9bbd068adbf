import { useSyncExternalStore } from 'react';
import type { Auth, AuthState } from '../api/backend';

const NO_AUTH: AuthState = { ready: true, principal: null, busy: false };
const noSubscribe = () => () => undefined;

// The sign-in state of a backend that has one (re-renders on changes); the studio's is constant.
export function useAuthState(auth: Auth | null): AuthState {
  return useSyncExternalStore(
    auth ? (l) => auth.subscribe(l) : noSubscribe,
    auth ? () => auth.state() : () => NO_AUTH,
  );
}
