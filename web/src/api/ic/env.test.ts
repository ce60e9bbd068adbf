import { afterEach, describe, expect, it } from 'vitest';
import { chooseBackend, readCanisterEnv } from './env';

const ROOT_KEY_HEX = '30' + 'ab'.repeat(132); // 133 bytes, as the cookie carries it

function setCookie(cookie: string | null) {
  if (cookie === null) {
    delete (globalThis as { document?: unknown }).document;
  } else {
    (globalThis as { document?: unknown }).document = { cookie };
  }
}

const icEnv = (vars: string) => `ic_env=${encodeURIComponent(vars)}`;

afterEach(() => setCookie(null));

describe('backend choice from the ic_env cookie', () => {
  it('is the REST backend without the cookie or without a document', () => {
    setCookie(null);
    expect(chooseBackend(readCanisterEnv(), 'http://127.0.0.1:8080')).toEqual({ kind: 'rest' });
    setCookie('theme=dark; other=1');
    expect(chooseBackend(readCanisterEnv(), 'http://127.0.0.1:8080')).toEqual({ kind: 'rest' });
  });

  it('is the IC backend with the canister ids, the engines and the identity provider', () => {
    setCookie(
      'theme=dark; ' +
        icEnv(
          `ic_root_key=${ROOT_KEY_HEX}&PUBLIC_CANISTER_ID:hyv_generator=uxrrr-q7777-77774-qaaaq-cai` +
            '&PUBLIC_CANISTER_ID:hyv_ai_engine_2=u6s2n-gx777-77774-qaaba-cai' +
            '&PUBLIC_CANISTER_ID:hyv_ai_engine=uzt4z-lp777-77774-qaabq-cai' +
            '&PUBLIC_CANISTER_ID:hyv_frontend=u5ahc-7y777-77774-qaaca-cai' +
            '&PUBLIC_IDENTITY_PROVIDER=http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943',
        ),
    );
    const choice = chooseBackend(readCanisterEnv(), 'http://u5ahc-7y777-77774-qaaca-cai.localhost');
    expect(choice.kind).toBe('ic');
    if (choice.kind !== 'ic') return;
    expect(choice.config.host).toBe('http://u5ahc-7y777-77774-qaaca-cai.localhost');
    expect(choice.config.generatorId).toBe('uxrrr-q7777-77774-qaaaq-cai');
    expect(choice.config.engineIds).toEqual([
      'uzt4z-lp777-77774-qaabq-cai',
      'u6s2n-gx777-77774-qaaba-cai',
    ]);
    expect(choice.config.identityProvider).toBe(
      'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943',
    );
    expect(choice.config.rootKey).toBeInstanceOf(Uint8Array);
    expect(choice.config.rootKey.length).toBe(133);
    expect(choice.config.rootKey[0]).toBe(0x30);
    expect(choice.config.rootKey[1]).toBe(0xab);
  });

  it("leaves the identity provider to AuthClient's default when the cookie names none", () => {
    setCookie(icEnv(`ic_root_key=${ROOT_KEY_HEX}&PUBLIC_CANISTER_ID:hyv_generator=aaaaa-aa`));
    const choice = chooseBackend(readCanisterEnv(), 'https://x.icp0.io');
    expect(choice.kind === 'ic' && choice.config.identityProvider).toBeUndefined();
    expect(choice.kind === 'ic' && choice.config.engineIds).toEqual([]);
  });

  it('is the REST backend when the cookie has no valid root key', () => {
    setCookie(icEnv('ic_root_key=abcd&PUBLIC_CANISTER_ID:hyv_generator=aaaaa-aa'));
    expect(chooseBackend(readCanisterEnv(), 'https://x.icp0.io')).toEqual({ kind: 'rest' });
    setCookie(icEnv('PUBLIC_CANISTER_ID:hyv_generator=aaaaa-aa'));
    expect(chooseBackend(readCanisterEnv(), 'https://x.icp0.io')).toEqual({ kind: 'rest' });
  });
});
