// The agent, the actors and the sign-in of the IC path.
//
// Pins (web/package.json, exact versions): @icp-sdk/core is 5.4.0 and not 6.x because every
// released @icp-sdk/auth (5.x to 7.x) declares a peer dependency on @icp-sdk/core ^5. @icp-sdk/auth
// is 5.0.0 because its AuthClient speaks Internet Identity's documented client-authentication
// postMessage protocol (authorize-ready / authorize-client / authorize-client-success), which the
// local sign-in stand-in (tools/ic-local/signin.mjs) implements; later auth versions switched to
// the ICRC-25 signer transport.
//
// The agent talks to the origin the page came from (the asset canister's domain, or the local
// endpoint standing in for it) with the root key from the `ic_env` cookie: the root key is never
// fetched, which on mainnet would let whoever answers the fetch choose the key.
import { AuthClient } from '@icp-sdk/auth/client';
import { HttpAgent, type Identity } from '@icp-sdk/core/agent';
import { AnonymousIdentity } from '@icp-sdk/core/agent';
import { createActor as createEngine, type Hyv_ai_engine } from '../../bindings/hyv_ai_engine';
import { createActor as createGenerator, type Hyv_generator } from '../../bindings/hyv_generator';
import type { Auth, AuthState } from '../backend';
import type { IcConfig } from './env';

export async function makeAgent(config: IcConfig, identity: Identity): Promise<HttpAgent> {
  return HttpAgent.create({ host: config.host, identity, rootKey: config.rootKey });
}

export interface Actors {
  generator: Hyv_generator;
  engine(id: string): Hyv_ai_engine;
}

export function makeActors(config: IcConfig, agent: HttpAgent): Actors {
  const engines = new Map<string, Hyv_ai_engine>();
  return {
    generator: createGenerator(config.generatorId, { agent }),
    engine(id) {
      let a = engines.get(id);
      if (!a) {
        a = createEngine(id, { agent });
        engines.set(id, a);
      }
      return a;
    },
  };
}

// The session: Internet Identity through AuthClient (its delegation kept in IndexedDB, so a
// reload stays signed in), and the actors for the current identity: anonymous until sign-in,
// rebuilt with the delegated identity after it and anonymous again after sign-out.
export class IcSession implements Auth {
  private st: AuthState = { ready: false, principal: null, busy: false };
  private listeners = new Set<() => void>();
  private client: Promise<AuthClient | null>;
  private actorsFor: Promise<Actors>;

  constructor(private readonly config: IcConfig) {
    this.actorsFor = this.build(new AnonymousIdentity());
    this.client = AuthClient.create({ idleOptions: { disableIdle: true } }).then(
      async (client) => {
        if (await client.isAuthenticated()) this.adopt(client.getIdentity());
        this.set({ ready: true });
        return client;
      },
      () => {
        this.set({ ready: true }); // no IndexedDB (private mode): browsing still works
        return null;
      },
    );
  }

  private build(identity: Identity): Promise<Actors> {
    const p = makeAgent(this.config, identity).then((agent) => makeActors(this.config, agent));
    p.catch(() => undefined); // reported by the calls that use it
    return p;
  }

  private adopt(identity: Identity) {
    this.actorsFor = this.build(identity);
    const principal = identity.getPrincipal();
    this.set({ principal: principal.isAnonymous() ? null : principal.toText() });
  }

  private set(patch: Partial<AuthState>) {
    this.st = { ...this.st, ...patch };
    for (const l of this.listeners) l();
  }

  actors(): Promise<Actors> {
    return this.actorsFor;
  }

  state(): AuthState {
    return this.st;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(): Promise<void> {
    const client = await this.client;
    if (!client) throw new Error('Sign-in needs the browser’s IndexedDB, which is not available.');
    this.set({ busy: true });
    try {
      await new Promise<void>((resolve, reject) => {
        // The window opens at once, inside the click that asked for it (no popup blocker).
        void client.login({
          identityProvider: this.config.identityProvider,
          onSuccess: () => resolve(),
          onError: (why) =>
            reject(
              new Error(
                why === 'UserInterrupt'
                  ? 'Sign-in was cancelled (the Internet Identity window was closed).'
                  : `Sign-in failed: ${why ?? 'unknown error'}`,
              ),
            ),
        });
      });
      this.adopt(client.getIdentity());
    } finally {
      this.set({ busy: false });
    }
  }

  async signOut(): Promise<void> {
    const client = await this.client;
    await client?.logout();
    this.adopt(new AnonymousIdentity());
  }

  // For the actions that need a signed caller: asks for sign-in first when anonymous.
  async signedActors(): Promise<Actors> {
    await this.client;
    if (!this.st.principal) await this.signIn();
    return this.actorsFor;
  }
}
