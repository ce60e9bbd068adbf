// The backend of this page, chosen once at startup from where it was loaded: the `ic_env` cookie
// (set by the asset canister, or the local IC endpoint standing in for it) means the IC, anything
// else `hyv serve`'s REST API at this origin. One build serves both.
import type { Backend } from './backend';
import { IcBackend } from './ic/backend';
import { chooseBackend, readCanisterEnv } from './ic/env';
import { RestBackend } from './rest';

function pick(): Backend {
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  const choice = chooseBackend(
    typeof document === 'undefined' ? undefined : readCanisterEnv(),
    origin,
  );
  return choice.kind === 'ic' ? new IcBackend(choice.config) : new RestBackend();
}

export const backend: Backend = pick();
