// The local sign-in page: a development stand-in for Internet Identity, served by the local IC
// endpoint at its own canister id's origin. It plays II's part in the client-authentication
// protocol that the pinned @icp-sdk/auth (5.0.0) speaks over postMessage:
//   page -> opener  { kind: 'authorize-ready' }
//   opener -> page  { kind: 'authorize-client', sessionPublicKey, maxTimeToLive?, ... }
//   page -> opener  { kind: 'authorize-client-success', delegations, userPublicKey, authnMethod }
//                 or { kind: 'authorize-client-failure', text }
// and issues a real delegation chain: the test user picked on the page has an Ed25519 key derived
// from its name and the dapp's origin (II too gives each origin its own principal), which signs a
// delegation to the session key the dapp generated, with the requested lifetime (at most 30 days,
// II's bound; 8 hours when none is asked). No passkeys, no anchors: anyone who can open the page
// can be any test user, which is why it exists only on the local endpoint.
import { Ed25519KeyIdentity, DelegationChain } from '@icp-sdk/core/identity';
import { createHash } from 'node:crypto';

const NS_PER_MS = 1_000_000n;
const DEFAULT_TTL_NS = 8n * 3_600n * 1_000_000_000n;
const MAX_TTL_NS = 30n * 24n * 3_600n * 1_000_000_000n;
const MAX_BODY = 16 * 1024;

// The key of test user `name` as seen by the dapp at `origin`.
export function testUserIdentity(name, origin) {
  const seed = createHash('sha256').update(`hyv-local-signin\0${name}\0${origin}`).digest();
  return Ed25519KeyIdentity.generate(new Uint8Array(seed));
}

export function testUserPrincipal(name, origin) {
  return testUserIdentity(name, origin).getPrincipal();
}

// A delegation from the user's key to the session key (DER bytes) for ttlNs nanoseconds.
export async function issueDelegation(name, origin, sessionPublicKey, ttlNs = DEFAULT_TTL_NS) {
  const ttl = ttlNs > 0n && ttlNs < MAX_TTL_NS ? ttlNs : ttlNs <= 0n ? DEFAULT_TTL_NS : MAX_TTL_NS;
  const user = testUserIdentity(name, origin);
  const expiration = new Date(Number((BigInt(Date.now()) * NS_PER_MS + ttl) / NS_PER_MS));
  const session = { toDer: () => sessionPublicKey, rawKey: sessionPublicKey };
  const chain = await DelegationChain.create(user, session, expiration);
  return chain.toJSON();
}

// The request handler for LocalIc.addSite: GET / is the page, POST /delegation issues a chain.
export function signInSite({ users }) {
  return async (req, res, url) => {
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      return send(res, 200, 'text/html; charset=utf-8', page(users));
    }
    if (req.method === 'POST' && url.pathname === '/delegation') return delegation(req, res);
    return send(res, 404, 'text/plain', 'not found\n');
  };
}

async function delegation(req, res) {
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch (e) {
    return send(res, 400, 'text/plain', `bad request: ${e.message}\n`);
  }
  const { user, origin, sessionPublicKey, maxTimeToLive } = body ?? {};
  if (typeof user !== 'string' || !/^[a-z0-9_-]{1,32}$/.test(user)) {
    return send(res, 400, 'text/plain', 'user must be 1-32 of a-z 0-9 _ -\n');
  }
  if (typeof origin !== 'string' || !/^https?:\/\/[^/]+$/.test(origin)) {
    return send(res, 400, 'text/plain', 'origin must be scheme://host[:port]\n');
  }
  if (typeof sessionPublicKey !== 'string' || !/^([0-9a-f]{2}){32,200}$/.test(sessionPublicKey)) {
    return send(res, 400, 'text/plain', 'sessionPublicKey must be DER bytes in hex\n');
  }
  const ttl = /^[0-9]{1,30}$/.test(String(maxTimeToLive ?? '')) ? BigInt(maxTimeToLive) : 0n;
  const key = Uint8Array.from(Buffer.from(sessionPublicKey, 'hex'));
  const chain = await issueDelegation(user, origin, key, ttl);
  const principal = testUserPrincipal(user, origin).toText();
  return send(res, 200, 'application/json', JSON.stringify({ ...chain, principal }));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const parts = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

// The page: one button per test user and Cancel. It talks to its opener only after the opener
// asked (authorize-client), and only to that origin.
function page(users) {
  const buttons = users
    .map((u) => `<button data-testid="signin-user-${u}" data-user="${u}">${u}</button>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Local sign-in (Internet Identity stand-in)</title>
    <style>
      body { font: 15px system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; }
      button { font: inherit; padding: 0.5rem 1rem; margin: 0.25rem; }
      #status { color: #555; }
    </style>
  </head>
  <body>
    <h1>Local sign-in</h1>
    <p>A development stand-in for Internet Identity on the local IC endpoint: pick a test user.
      Each one has its own principal for the dapp that asked.</p>
    <div id="users">
      ${buttons}
    </div>
    <p><button data-testid="signin-cancel" id="cancel">Cancel</button></p>
    <p id="status" data-testid="signin-status">Waiting for the dapp…</p>
    <script type="module">
      const status = document.getElementById('status');
      const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      const bytes = (h) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
      let request = null;
      let client = null;
      window.addEventListener('message', (event) => {
        if (event.source !== window.opener || event.data?.kind !== 'authorize-client') return;
        request = event.data;
        client = event.origin;
        status.textContent = 'Signing in to ' + client;
      });
      async function signIn(user) {
        if (!request) { status.textContent = 'No dapp asked to sign in.'; return; }
        const res = await fetch('/delegation', { method: 'POST', body: JSON.stringify({
          user, origin: request.derivationOrigin || client,
          sessionPublicKey: hex(new Uint8Array(request.sessionPublicKey)),
          maxTimeToLive: request.maxTimeToLive === undefined ? '' : String(request.maxTimeToLive),
        }) });
        if (!res.ok) { status.textContent = await res.text(); return; }
        const chain = await res.json();
        window.opener.postMessage({
          kind: 'authorize-client-success',
          userPublicKey: bytes(chain.publicKey),
          authnMethod: 'passkey',
          delegations: chain.delegations.map((d) => ({
            delegation: { pubkey: bytes(d.delegation.pubkey),
                          expiration: BigInt('0x' + d.delegation.expiration) },
            signature: bytes(d.signature),
          })),
        }, client);
        status.textContent = 'Signed in as ' + user + ' (' + chain.principal + ')';
      }
      for (const b of document.querySelectorAll('#users button')) {
        b.addEventListener('click', () => signIn(b.dataset.user));
      }
      document.getElementById('cancel').addEventListener('click', () => {
        if (client) window.opener.postMessage({ kind: 'authorize-client-failure',
                                                text: 'cancelled' }, client);
        window.close();
      });
      if (window.opener) window.opener.postMessage({ kind: 'authorize-ready' }, '*');
      else status.textContent = 'Open this page from the dapp\\'s Sign in button.';
    </script>
  </body>
</html>
`;
}
