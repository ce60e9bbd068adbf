// End-to-end test of the dapp in a real browser: Debian's chromium driven by playwright-core
// through the IC path. The dapp is brought up in this process as `make run-ic` does
// (tools/ic-local/run.mjs: the local IC endpoint, the generator, two engines, the web app at the
// frontend canister's origin, the sign-in stand-in, the bundled models deployed with the agent).
// Through the page it browses without signing in, signs in, generates a text, a code and a table
// dataset while watching their progress, downloads each and compares the bytes with the native
// CLI (`hyv dataset`) for the dataset's manifest, rates datasets as several users until the
// library order changes, uploads a model as a controller and sees a non-controller refused, and
// fails on any console error.
//
// Usage: node tests/e2e/ic_dapp_e2e.mjs --hyv build/hyv --canisters build/canisters --out DIR
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadIdlFactories } from '../../tools/ic-local/bindings.mjs';
import { ENGINES, startDapp } from '../../tools/ic-local/run.mjs';
import { launchChromium } from './chromium.mjs';

const { values: args } = parseArgs({
  options: {
    hyv: { type: 'string' },
    canisters: { type: 'string' },
    out: { type: 'string' },
  },
});
const OUT = args.out ?? 'build/e2e-ic-screenshots';
const JOB_TIMEOUT_MS = 240_000;
mkdirSync(OUT, { recursive: true });

let failures = 0;
const consoleErrors = [];
function check(cond, what) {
  if (!cond) failures++;
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
}
function must(cond, what) {
  check(cond, what);
  if (!cond) throw new Error(`cannot go on: ${what}`);
}

// f32 weights, as `hyv dataset` uses them: the same model, params and seed give the same bytes.
const dapp = await startDapp({ port: 0, canisters: args.canisters, quantize: 'none' });
const BASE = dapp.frontendUrl.replace(/\/$/, '');
console.log(`dapp at ${BASE}`);
const idl = await loadIdlFactories();
const reader = await HttpAgent.create({ host: dapp.url, rootKey: dapp.ic.rootKey });
const generator = Actor.createActor(idl.hyv_generator, {
  agent: reader,
  canisterId: dapp.ids.hyv_generator,
});

const browser = await launchChromium();

// `expected`: text of console errors this page provokes on purpose (a refused call).
async function newPage(expected = null) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (expected && msg.text().includes(expected)) return;
    consoleErrors.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: uncaught ${err.message}`));
  page.setDefaultTimeout(60_000);
  return { context, page };
}

const shot = (page, name) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

// Signs in through the header's button and the sign-in page's test user.
async function signIn(page, user) {
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByTestId('sign-in').click(),
  ]);
  await popup.getByTestId(`signin-user-${user}`).click();
  await page.getByTestId('principal').waitFor();
  return page.getByTestId('principal').getAttribute('data-principal');
}

// Clicks Generate and follows the job's monitor until it ends; records progress seen on the way.
// holdEngines: the engines get no request until the page has shown the job below 100%, so that
// a small job cannot end before the first job_events poll (the check would depend on timing).
async function generateAndWatch(page, { holdEngines = false } = {}) {
  await page.evaluate(() => {
    window.__seen = { progress: [], states: [], live: 0 };
    window.__watch = setInterval(() => {
      const mon = document.querySelector('[data-testid="job-monitor"]');
      if (!mon) return;
      const v = Number(mon.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'));
      const s = window.__seen;
      if (s.progress.at(-1) !== v) s.progress.push(v);
      const st = mon.getAttribute('data-state');
      if (s.states.at(-1) !== st) s.states.push(st);
      s.live = Math.max(
        s.live,
        mon.querySelector('[data-testid="live-text"]')?.textContent.length ?? 0,
      );
    }, 20);
  });
  const hold = (on) => ENGINES.forEach((e) => dapp.ic.network.holdRequests(e, on));
  if (holdEngines) hold(true);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  if (holdEngines) {
    await page.waitForFunction(() => window.__seen.progress.some((v) => v < 100));
    hold(false);
  }
  const mon = page.locator('[data-testid="job-monitor"]');
  await mon
    .and(
      page.locator(
        '[data-state="succeeded"], [data-state="failed"], ' +
          '[data-state="cancelled"], [data-state="interrupted"]',
      ),
    )
    .waitFor({ timeout: JOB_TIMEOUT_MS });
  const seen = await page.evaluate(() => (clearInterval(window.__watch), window.__seen));
  const final = await mon.getAttribute('data-state');
  if (final !== 'succeeded') console.log(await mon.innerText());
  return { final, seen };
}

async function download(page, linkName) {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: linkName, exact: true }).click(),
  ]);
  return readFileSync(await dl.path());
}

// The native CLI's bytes for a dataset's canonical params.
function nativeBytes(dataType, params, file, format = 'jsonl') {
  const dir = mkdtempSync(join(tmpdir(), 'hyv-ic-e2e-'));
  try {
    execFileSync(
      args.hyv,
      [
        'dataset',
        dataType,
        '--params',
        params,
        '-o',
        dir,
        ...(format === 'jsonl' ? [] : ['--format', format]),
      ],
      { stdio: 'pipe' },
    );
    return readFileSync(join(dir, file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function manifest(id) {
  const r = await generator.dataset_get(id);
  if (!('Ok' in r)) throw new Error(`dataset_get ${id}: ${r.Err}`);
  return r.Ok;
}

const datasetIdFromUrl = (url) => decodeURIComponent(new URL(url).pathname.split('/').pop());

async function generateTextLike(page, type, { name, prompt, samples, maxTokens, seed }) {
  await page.getByRole('button', { name: type === 'text' ? 'Text' : 'Code', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Prompts').fill(prompt);
  await page.getByLabel('Samples', { exact: true }).fill(String(samples));
  await page.getByLabel('Max tokens').fill(String(maxTokens));
  await page.getByLabel('Seed').fill(String(seed));
  const run = await generateAndWatch(page, { holdEngines: true });
  must(run.final === 'succeeded', `the ${type} job succeeded through the canisters`);
  check(
    run.seen.progress.some((v) => v < 100) && run.seen.progress.at(-1) === 100,
    `${type} progress rose as job_events was polled (${run.seen.progress.join(' ')})`,
  );
  await page.getByRole('link', { name: 'Open dataset' }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  const id = datasetIdFromUrl(page.url());
  const bytes = await download(page, 'JSONL');
  const m = await manifest(id);
  const native = nativeBytes(type, m.params, 'samples.jsonl');
  check(
    Buffer.compare(bytes, native) === 0,
    `the ${type} download is the native CLI's bytes for its manifest (${bytes.length} bytes)`,
  );
  return id;
}

const ids = {};
try {
  // --- browsing needs no sign-in --------------------------------------------------------------
  const { page } = await newPage();
  await page.goto(`${BASE}/library`);
  await page.getByTestId('sign-in').waitFor();
  const status = page.locator('header .status', { hasText: 'Internet Computer' });
  check(
    await status.waitFor({ timeout: 30_000 }).then(
      () => true,
      () => false,
    ),
    'the page found the canisters from the ic_env cookie',
  );
  await page.goto(`${BASE}/models`);
  await page.locator('[data-testid="model-list"] li').first().waitFor();
  check(
    (await page.locator('[data-testid="model-list"]').innerText()).includes('text-small'),
    'the models list shows the deployed catalog without signing in',
  );
  await shot(page, 'ic-models-anonymous');

  // --- sign in and generate the three types ---------------------------------------------------
  await page.goto(`${BASE}/`);
  const alice = await signIn(page, 'alice');
  check(/^[a-z0-9]{5}(-[a-z0-9]{1,5})+$/.test(alice ?? ''), `signed in as alice (${alice})`);
  ids.text = await generateTextLike(page, 'text', {
    name: 'IC text',
    prompt: 'The river',
    samples: 2,
    maxTokens: 12,
    seed: 11,
  });
  await page.locator('[data-testid="samples"] article').nth(1).waitFor();
  await shot(page, 'ic-dataset-text');
  await page.goto(`${BASE}/`);
  ids.code = await generateTextLike(page, 'code', {
    name: 'IC code',
    prompt: 'def add(a, b):',
    samples: 2,
    maxTokens: 12,
    seed: 5,
  });

  await page.goto(`${BASE}/`);
  await page.getByRole('button', { name: 'Table', exact: true }).click();
  await page.getByLabel('Template').selectOption('customers');
  await page.getByRole('button', { name: 'Use template' }).click();
  await page.getByLabel('Name', { exact: true }).fill('IC table');
  await page.getByLabel('Rows', { exact: true }).fill('60');
  await page.getByLabel('Seed').fill('3');
  const table = await generateAndWatch(page);
  must(table.final === 'succeeded', 'the table job succeeded through the canisters');
  await page.getByRole('link', { name: 'Open dataset' }).click();
  await page.getByRole('heading', { name: 'IC table', level: 1 }).waitFor();
  ids.table = datasetIdFromUrl(page.url());
  await page.getByRole('table', { name: 'Table customers' }).waitFor();
  const csv = await download(page, 'CSV');
  const tm = await manifest(ids.table);
  check(
    Buffer.compare(csv, nativeBytes('table', tm.params, 'customers.csv', 'csv')) === 0,
    `the table's CSV download is the native CLI's bytes for its manifest (${csv.length} bytes)`,
  );
  await shot(page, 'ic-dataset-table');

  // --- ratings change the library order -------------------------------------------------------
  const ours = new Set(Object.values(ids));
  const order = async (p) => {
    await p.goto(`${BASE}/library`);
    await p.locator('[data-testid="library-list"] li').first().waitFor();
    const all = await p
      .locator('[data-testid="library-list"] li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-dataset-id')));
    return all.filter((id) => ours.has(id));
  };
  const before = await order(page);
  must(before.length === 3, `the library lists the three datasets (${before.join(', ')})`);
  const rate = async (p, id, stars) => {
    await p.goto(`${BASE}/datasets/${encodeURIComponent(id)}`);
    const summary = p.getByTestId('rating-summary');
    const was = await summary.innerText();
    await p.getByRole('radio', { name: `${stars} star${stars === 1 ? '' : 's'}` }).check();
    await p.waitForFunction(
      ([w]) => document.querySelector('[data-testid="rating-summary"]').textContent !== w,
      [was],
    );
  };
  let after = before;
  const raters = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  let n = 0;
  for (const user of raters) {
    if (after.join() !== before.join()) break;
    const u = user === 'alice' ? { page } : await newPage();
    if (user !== 'alice') {
      await u.page.goto(`${BASE}/library`);
      await signIn(u.page, user);
    }
    await rate(u.page, before.at(-1), 5);
    await rate(u.page, before[0], 1);
    after = await order(u.page);
    n++;
    if (user !== 'alice') await u.context.close();
  }
  check(
    after.join() !== before.join(),
    `ratings change the library order (${before.join(', ')} -> ${after.join(', ')}, ${n} users)`,
  );

  // --- model upload: refused for a non-controller, done for a controller ----------------------
  const uploadAs = async (user, id) => {
    const u = await newPage(user === 'bob' ? 'only controllers' : null);
    await u.page.goto(`${BASE}/models`);
    await signIn(u.page, user);
    await u.page.getByLabel('…or a whole folder').setInputFiles('models/code-small');
    await u.page.getByLabel('Model id').fill(id);
    await u.page.getByLabel('Name', { exact: true }).fill(`IC upload ${user}`);
    await u.page.getByLabel('Data type').selectOption('code');
    await u.page.getByRole('button', { name: 'Upload', exact: true }).click();
    return u;
  };
  const bob = await uploadAs('bob', 'ic-bob');
  await bob.page
    .getByRole('alert')
    .filter({ hasText: 'only controllers' })
    .waitFor({ timeout: 60_000 });
  check(true, "an upload by a non-controller is refused with the engine's message");
  await bob.context.close();
  const dev = await uploadAs('dev', 'ic-dev');
  await dev.page
    .getByRole('status')
    .filter({ hasText: 'Model ic-dev is ready' })
    .waitFor({ timeout: 180_000 });
  const catalog = await generator.models_list();
  check(
    catalog.some((m) => m.name === 'ic-dev' && m.data_type === 'code'),
    "a controller's upload reaches every engine and the generator's catalog",
  );
  await shot(dev.page, 'ic-models-uploaded');
  await dev.context.close();
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack ?? e}`);
} finally {
  check(
    consoleErrors.length === 0,
    `no console errors${consoleErrors.length ? ':' : ''}` +
      consoleErrors.map((e) => `\n  ${e}`).join(''),
  );
  await browser.close();
  await dapp.ic.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
