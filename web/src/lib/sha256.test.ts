import { createHash, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256File } from './sha256';

const oracle = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function bytes(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('Sha256', () => {
  it('matches the standard test vectors', () => {
    expect(new Sha256().update(new TextEncoder().encode('abc')).hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(new Sha256().hex()).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('matches node:crypto at every padding boundary and over split updates', () => {
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 70_001]) {
      const data = bytes(n, n);
      expect(new Sha256().update(data).hex()).toBe(oracle(data));
      const h = new Sha256();
      for (let i = 0; i < n; i += 37) h.update(data.subarray(i, i + 37));
      expect(h.hex()).toBe(oracle(data));
    }
  });
});

describe('sha256File', () => {
  const blob = (data: Uint8Array<ArrayBuffer>) => new Blob([data]);
  it('gives the same digest with crypto.subtle and with the fallback, across chunk boundaries', async () => {
    const data = bytes(8 * 1024 * 1024 + 100, 7);
    const expected = oracle(data);
    const seen: number[] = [];
    expect(await sha256File(blob(data), (b) => seen.push(b), null)).toBe(expected);
    expect(seen).toEqual([8 * 1024 * 1024, data.length]);
    expect(await sha256File(blob(data), undefined, webcrypto.subtle as SubtleCrypto)).toBe(
      expected,
    );
    expect(await sha256File(blob(new Uint8Array(0)), undefined, null)).toBe(
      oracle(new Uint8Array(0)),
    );
  });
});
