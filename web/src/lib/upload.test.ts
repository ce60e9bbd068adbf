import { describe, expect, it } from 'vitest';
import { bytesLeft, CHUNK_BYTES, nextChunk, selectModelFiles } from './upload';

describe('model upload planning', () => {
  it('keeps the files a model folder may hold and names what is missing', () => {
    const f = (name: string) => ({ name });
    const sel = selectModelFiles([
      f('config.json'),
      f('model.safetensors'),
      f('vocab.json'),
      f('merges.txt'),
      f('training.json'),
      f('README.md'),
      f('config.json'),
    ]);
    expect(sel.accepted.map((x) => x.name)).toEqual([
      'config.json',
      'model.safetensors',
      'vocab.json',
      'merges.txt',
      'README.md',
    ]);
    expect(sel.ignored).toEqual(['training.json', 'config.json']);
    expect(sel.missing).toEqual([]);
    expect(selectModelFiles([f('model.safetensors'), f('vocab.json')]).missing).toEqual([
      'config.json',
      'tokenizer.json (or vocab.json + merges.txt)',
    ]);
    expect(
      selectModelFiles([f('config.json'), f('model.safetensors'), f('tokenizer.json')]).missing,
    ).toEqual([]);
  });

  it('sends chunks of at most 2 MiB from what the server has', () => {
    expect(CHUNK_BYTES).toBe(2 * 1024 * 1024);
    const size = 5 * 1024 * 1024 + 3;
    const chunks: [number, number][] = [];
    for (let got = 0, c = nextChunk(size, got); c; got = c[1], c = nextChunk(size, got))
      chunks.push(c);
    expect(chunks).toEqual([
      [0, CHUNK_BYTES],
      [CHUNK_BYTES, 2 * CHUNK_BYTES],
      [2 * CHUNK_BYTES, size],
    ]);
    expect(nextChunk(size, 1000)).toEqual([1000, 1000 + CHUNK_BYTES]); // resumes mid-file
    expect(nextChunk(0, 0)).toBeNull();
    expect(nextChunk(10, 10)).toBeNull();
  });

  it('counts the bytes still to send', () => {
    expect(
      bytesLeft({
        files: [
          { name: 'a', size: 10, sha256: '', received: 4 },
          { name: 'b', size: 5, sha256: '', received: 5 },
        ],
      }),
    ).toBe(6);
  });
});
