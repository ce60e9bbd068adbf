// Static files in an asset canister's place: what `icp deploy` would upload, served from a
// folder as the asset canister serves them. Paths without an extension that name no file get
// index.html (single-page apps route on the client); paths with `.`/`..` segments (plain or
// percent-encoded), backslashes or NUL bytes are refused (400), and nothing outside the folder
// is served even through a symbolic link. Every response sets the `ic_env` cookie the way the
// asset canister does and @icp-sdk/core/agent/canister-env's getCanisterEnv reads it:
//   ic_env=<encodeURIComponent("ic_root_key=<hex of the DER root key>&KEY=VALUE&...")>
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.ico': 'image/x-icon', '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json', '.xml': 'application/xml',
};

export function envCookie(rootKey, env) {
  const pairs = [`ic_root_key=${Buffer.from(rootKey).toString('hex')}`,
                 ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  return `ic_env=${encodeURIComponent(pairs.join('&'))}; path=/; SameSite=Strict`;
}

// The decoded path segments, or null when the raw path is one to refuse. Decoding twice catches
// %252e%252e as well.
function segments(rawPath) {
  let path = rawPath;
  for (let i = 0; i < 2; i++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return null;
    }
  }
  if (/[\\\0]/.test(path)) return null;
  const parts = path.split('/').slice(1);
  if (parts.some((p) => p === '.' || p === '..')) return null;
  return parts.filter((p, i) => p !== '' || i === parts.length - 1);
}

function fileIn(root, parts) {
  const candidate = join(root, ...parts);
  try {
    const real = realpathSync(candidate);
    if (real !== root && !real.startsWith(root + sep)) return null;
    const st = statSync(real);
    if (st.isDirectory()) return fileIn(root, [...parts.filter((p) => p !== ''), 'index.html']);
    return st.isFile() ? { path: real, size: st.size } : null;
  } catch {
    return null;
  }
}

function answer(res, status, text, cookie) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Set-Cookie': cookie });
  res.end(text);
}

// dir: the folder; cookie(): the Set-Cookie value at the time of each request.
export function assetsHandler(dir, cookie) {
  const root = realpathSync(dir);
  return (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return answer(res, 405, 'GET only', cookie());
    }
    const rawPath = req.url.split('?')[0];
    const parts = segments(rawPath);
    if (parts === null) return answer(res, 400, 'bad path', cookie());
    const last = parts[parts.length - 1] ?? '';
    const file = fileIn(root, parts.filter((p) => p !== '')) ??
      (extname(last) === '' ? fileIn(root, ['index.html']) : null);
    if (file === null) return answer(res, 404, `not found: ${url.pathname}`, cookie());
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': file.size, 'Set-Cookie': cookie(), 'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    return createReadStream(file.path).pipe(res);
  };
}
