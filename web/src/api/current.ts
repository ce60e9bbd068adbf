// The backend of this page, chosen once at startup (initBackend, before the first render) from
// where it was loaded: the `ic_env` cookie (set by the asset canister, or the local IC endpoint
// standing in for it) means the IC, anything else `hyv serve`'s REST API at this origin. One build
// serves both; the IC code (agent, Candid, auth) is a chunk of its own, loaded only on the IC.
import type { Backend } from './backend';
import { chooseBackend, readCanisterEnv } from './ic/env';
import { RestBackend } from './rest';

// A live binding: the modules that import it see the IC backend once initBackend set it.
export let backend: Backend = new RestBackend();

export async function initBackend(): Promise<Backend> {
  if (typeof window === 'undefined' || typeof document === 'undefined') return backend;
  const choice = chooseBackend(readCanisterEnv(), window.location.origin);
  if (choice.kind === 'ic') {
    const { IcBackend } = await import('./ic/backend');
    backend = new IcBackend(choice.config);
  }
  return backend;
}
