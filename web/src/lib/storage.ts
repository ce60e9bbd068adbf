// The browser-side identity: the API token (from `#token=T` in the URL the server prints) and a
// random user id for ratings, both kept in localStorage so they survive reloads.

const TOKEN_KEY = 'hyv.token';
const USER_KEY = 'hyv.user';

export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function defaultStorage(): KeyValue | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled by the browser's privacy settings
  }
}

// Reads `token=...` from a URL fragment such as "#token=abc" or "#x=1&token=abc".
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token ? token : null;
}

// The fragment without its token parameter, so the token does not stay visible in the address bar.
export function hashWithoutToken(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete('token');
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}

export function getToken(storage: KeyValue | null = defaultStorage()): string | null {
  return storage?.getItem(TOKEN_KEY) ?? null;
}

export function setToken(token: string | null, storage: KeyValue | null = defaultStorage()): void {
  if (!storage) return;
  if (token) storage.setItem(TOKEN_KEY, token);
  else storage.removeItem(TOKEN_KEY);
}

// Valid as a service id: [A-Za-z0-9._-], 1..64, not starting with '.'.
export function newUserId(random: (n: number) => Uint8Array = randomBytes): string {
  const hex = Array.from(random(12), (b) => b.toString(16).padStart(2, '0')).join('');
  return `u-${hex}`;
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  crypto.getRandomValues(out);
  return out;
}

export function getUserId(storage: KeyValue | null = defaultStorage()): string {
  const stored = storage?.getItem(USER_KEY);
  if (stored && /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(stored)) return stored;
  const id = newUserId();
  storage?.setItem(USER_KEY, id);
  return id;
}

// Takes a token from the current URL into storage (called once at startup).
export function adoptTokenFromLocation(): void {
  if (typeof window === 'undefined') return;
  const token = tokenFromHash(window.location.hash);
  if (!token) return;
  setToken(token);
  const url =
    window.location.pathname + window.location.search + hashWithoutToken(window.location.hash);
  window.history.replaceState(window.history.state, '', url);
}
