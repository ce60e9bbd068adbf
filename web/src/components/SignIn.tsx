// The header's sign-in on the IC (Internet Identity): "Sign in" while anonymous, the principal
// and "Sign out" once signed in. Browsing needs none; the actions that do ask for it themselves.
import { useState } from 'react';
import type { Auth } from '../api/backend';
import { useAuthState } from '../lib/useAuth';

// "abcde-fghij-…-xyz" style: the first two groups and the last one.
export function shortPrincipal(p: string): string {
  const parts = p.split('-');
  return parts.length <= 4 ? p : `${parts.slice(0, 2).join('-')}-…-${parts[parts.length - 1]}`;
}

export function SignIn({ auth }: { auth: Auth }) {
  const { ready, principal, busy } = useAuthState(auth);
  const [error, setError] = useState<string | null>(null);
  const run = (f: () => Promise<void>) => {
    setError(null);
    f().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <div className="signin" data-testid="signin">
      {principal ? (
        <>
          <span
            className="principal mono"
            data-testid="principal"
            data-principal={principal}
            title={principal}
          >
            {shortPrincipal(principal)}
          </span>
          <button type="button" data-testid="sign-out" onClick={() => run(() => auth.signOut())}>
            Sign out
          </button>
        </>
      ) : (
        <button
          type="button"
          className="primary"
          data-testid="sign-in"
          disabled={!ready || busy}
          onClick={() => run(() => auth.signIn())}
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      )}
      {error && (
        <span className="signin-error" role="alert" data-testid="sign-in-error">
          {error}
        </span>
      )}
    </div>
  );
}
