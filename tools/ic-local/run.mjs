// `make run-ic`: the Hyv dapp on the local IC endpoint, on the bundled models. Installs two
// engines and the generator from build/canisters, serves web/dist at the frontend canister's
// origin (in the asset canister's place) and the local sign-in page at Internet Identity's,
// deploys the models with the agent (deploy.mjs), and prints the URL. State lives in memory:
// stopping the endpoint forgets it.
//   node tools/ic-local/run.mjs [--port 4943] [--canisters build/canisters] [--web web/dist]
//                               [--quantize none|q8] [--verbose]
// Engines load f32 weights by default: the dataset manifest names the model's sha256 and not the
// engine's weights, and f32 is what `hyv dataset` uses, so a manifest gives the CLI's bytes.
import { HttpAgent } from '@icp-sdk/core/agent';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { deployModels } from './deploy.mjs';
import { LocalIc } from './endpoint.mjs';
import { signInSite, testUserPrincipal } from './signin.mjs';

// The test users on the sign-in page; `dev` is a controller of every canister (it may upload
// models from the browser), the others are ordinary users.
export const TEST_USERS = ['dev', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
export const CONTROLLER_USER = 'dev';
export const ENGINES = ['hyv_ai_engine', 'hyv_ai_engine_2'];

// The deployer's key: fixed, so a restarted endpoint gives the same principals.
export function deployerIdentity() {
  const seed = createHash('sha256').update('hyv-local-deployer').digest();
  return Ed25519KeyIdentity.generate(new Uint8Array(seed));
}

function need(path, how) {
  if (!existsSync(path)) throw new Error(`${path} is missing; ${how}`);
}

// Brings the dapp up; returns { ic, url, frontendUrl, ids }. Used by `make run-ic` and the tests.
export async function startDapp({ port = 4943, canisters = 'build/canisters', web = 'web/dist',
                                  quantize = 'none', log = () => {}, requestLog } = {}) {
  for (const name of ['hyv_generator', 'hyv_ai_engine']) {
    need(`${canisters}/${name}.wasm`, 'build it with `make canisters`');
  }
  need(`${web}/index.html`, 'build it with `make web`');
  const ic = new LocalIc({ host: '127.0.0.1', port, log: requestLog });
  const frontend = ic.addAssets('hyv_frontend', web, { env: {} });
  const ii = ic.addSite('internet_identity', signInSite({ users: TEST_USERS }));
  const url = await ic.listen();
  const origin = ic.siteUrl('hyv_frontend').replace(/\/$/, '');
  const deployer = deployerIdentity();
  const controllers = [deployer.getPrincipal(), testUserPrincipal(CONTROLLER_USER, origin)]
    .map((p) => p.toUint8Array());
  const ids = { hyv_frontend: frontend, internet_identity: ii };
  for (const name of ENGINES) {
    ids[name] = ic.install(name, `${canisters}/hyv_ai_engine.wasm`, { controllers });
  }
  ids.hyv_generator = ic.install('hyv_generator', `${canisters}/hyv_generator.wasm`,
    { controllers });
  ic.setEnv('hyv_frontend', {
    'PUBLIC_CANISTER_ID:hyv_generator': ids.hyv_generator.toText(),
    ...Object.fromEntries(ENGINES.map((e) => [`PUBLIC_CANISTER_ID:${e}`, ids[e].toText()])),
    PUBLIC_IDENTITY_PROVIDER: ic.siteUrl('internet_identity'),
  });
  const agent = await HttpAgent.create({ host: url, identity: deployer, rootKey: ic.rootKey });
  await deployModels({ agent, generatorId: ids.hyv_generator,
                       engineIds: ENGINES.map((e) => ids[e]), quantize, log });
  return { ic, url, frontendUrl: ic.siteUrl('hyv_frontend'), ids };
}

async function main() {
  const { values } = parseArgs({ options: {
    port: { type: 'string', default: '4943' },
    canisters: { type: 'string', default: 'build/canisters' },
    web: { type: 'string', default: 'web/dist' },
    quantize: { type: 'string', default: 'none' },
    verbose: { type: 'boolean', default: false },
  } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port ${values.port}: must be 0..65535`);
  }
  // Upload progress at most once a second, and always each file's last chunk.
  let last = 0;
  const log = (m) => {
    const progress = / (\d+)\/(\d+) bytes$/.exec(m);
    if (progress && progress[1] !== progress[2] && Date.now() - last < 1000) return;
    last = Date.now();
    console.log(`hyv: ${m}`);
  };
  const requestLog = values.verbose ? (m) => console.log(`ic: ${m}`) : undefined;
  console.log('hyv: starting the local IC endpoint, installing the canisters, deploying models');
  const dapp = await startDapp({ port, canisters: values.canisters, web: values.web,
                                 quantize: values.quantize, log, requestLog });
  for (const [name, id] of Object.entries(dapp.ids)) console.log(`hyv: ${name} ${id.toText()}`);
  console.log(`hyv: the IC HTTP interface is at ${dapp.url}`);
  console.log(`hyv: the dapp is at ${dapp.frontendUrl}`);
  const stop = () => dapp.ic.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`hyv: ${e.message}`);
    process.exit(1);
  });
}
