// Where the page was loaded decides the backend. The asset canister (or the local IC endpoint
// standing in for it) sets the `ic_env` cookie:
//   ic_env=<urlencoded "ic_root_key=<hex>&PUBLIC_CANISTER_ID:hyv_generator=<id>&
//           PUBLIC_CANISTER_ID:hyv_ai_engine=<id>&...&PUBLIC_IDENTITY_PROVIDER=<url>">
// With it, the IC backend with those canister ids; without it, `hyv serve`'s REST API.
import { safeGetCanisterEnv, type CanisterEnv } from '@icp-sdk/core/agent/canister-env';

export const GENERATOR_VAR = 'PUBLIC_CANISTER_ID:hyv_generator';
export const ENGINE_VAR_PREFIX = 'PUBLIC_CANISTER_ID:hyv_ai_engine';
export const IDENTITY_PROVIDER_VAR = 'PUBLIC_IDENTITY_PROVIDER';

export type HyvEnv = CanisterEnv & Readonly<Record<string, string | Uint8Array | undefined>>;

export interface IcConfig {
  host: string; // the page's origin
  rootKey: Uint8Array;
  generatorId: string; // '' when the cookie names none (every call then says so)
  engineIds: string[]; // named by the cookie; the pool itself comes from engines_list
  identityProvider: string | undefined; // undefined: AuthClient's default (mainnet II)
}

export type BackendChoice = { kind: 'rest' } | { kind: 'ic'; config: IcConfig };

// The cookie's variables, or undefined where there is none (or it is malformed: no valid root
// key), read by @icp-sdk/core's own parser.
export function readCanisterEnv(): HyvEnv | undefined {
  return safeGetCanisterEnv<Readonly<Record<string, string | Uint8Array | undefined>>>();
}

function text(env: HyvEnv, key: string): string | undefined {
  const v = env[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function chooseBackend(env: HyvEnv | undefined, origin: string): BackendChoice {
  if (!env) return { kind: 'rest' };
  const engineIds = Object.keys(env)
    .filter((k) => k === ENGINE_VAR_PREFIX || k.startsWith(`${ENGINE_VAR_PREFIX}_`))
    .sort()
    .map((k) => text(env, k))
    .filter((v): v is string => !!v);
  return {
    kind: 'ic',
    config: {
      host: origin,
      rootKey: env.IC_ROOT_KEY,
      generatorId: text(env, GENERATOR_VAR) ?? '',
      engineIds,
      identityProvider: text(env, IDENTITY_PROVIDER_VAR),
    },
  };
}
