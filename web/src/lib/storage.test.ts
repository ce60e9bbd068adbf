import { describe, expect, it } from 'vitest';
import {
  getToken,
  getUserId,
  hashWithoutToken,
  newUserId,
  setToken,
  tokenFromHash,
  type KeyValue,
} from './storage';

function memory(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('token from the URL fragment', () => {
  it('reads #token=T alone or among other parameters', () => {
    expect(tokenFromHash('#token=abc123')).toBe('abc123');
    expect(tokenFromHash('#x=1&token=a%2Bb')).toBe('a+b');
    expect(tokenFromHash('#token=')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });
  it('removes only the token from the fragment', () => {
    expect(hashWithoutToken('#token=abc')).toBe('');
    expect(hashWithoutToken('#x=1&token=abc')).toBe('#x=1');
  });
  it('is kept and cleared in storage', () => {
    const s = memory();
    expect(getToken(s)).toBeNull();
    setToken('T', s);
    expect(getToken(s)).toBe('T');
    setToken(null, s);
    expect(getToken(s)).toBeNull();
  });
});

describe('user id', () => {
  it('is a valid service id, random, and stable once stored', () => {
    const a = newUserId();
    expect(a).toMatch(/^u-[0-9a-f]{24}$/);
    expect(newUserId()).not.toBe(a);
    const s = memory();
    const first = getUserId(s);
    expect(getUserId(s)).toBe(first);
    s.setItem('hyv.user', 'bad/id');
    expect(getUserId(s)).toMatch(/^u-[0-9a-f]{24}$/);
  });
});
