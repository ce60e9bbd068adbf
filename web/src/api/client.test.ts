import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, query } from './client';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function recorder(respond: (c: Call) => Response) {
  const calls: Call[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    const call = {
      url,
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body,
    };
    calls.push(call);
    return respond(call);
  };
  return { calls, fetchFn };
}

const json = (v: unknown, status = 200) =>
  new Response(JSON.stringify(v), { status, headers: { 'Content-Type': 'application/json' } });

describe('ApiClient', () => {
  it('sends the bearer token on mutating requests only', async () => {
    const { calls, fetchFn } = recorder(() => json({ jobs: [], id: 'j' }));
    const c = new ApiClient({ fetch: fetchFn, token: () => 'T0k' });
    await c.jobs();
    await c.createJob({ type: 'text', name: 'n', params: {} });
    await c.rate('ds-1', 'u-1', 4);
    expect(calls[0].headers.Authorization).toBeUndefined();
    expect(calls[1]).toMatchObject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { Authorization: 'Bearer T0k', 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(calls[1].body as string)).toEqual({ type: 'text', name: 'n', params: {} });
    expect(calls[2]).toMatchObject({ method: 'PUT', url: '/api/v1/datasets/ds-1/rating' });
    expect(JSON.parse(calls[2].body as string)).toEqual({ user: 'u-1', stars: 4 });
  });

  it('sends no Authorization header without a token', async () => {
    const { calls, fetchFn } = recorder(() => json({}));
    await new ApiClient({ fetch: fetchFn, token: () => null }).cancelJob('j 1');
    expect(calls[0].headers.Authorization).toBeUndefined();
    expect(calls[0].url).toBe('/api/v1/jobs/j%201/cancel');
  });

  it('uploads chunks as raw bytes at an offset', async () => {
    const { calls, fetchFn } = recorder(() => json({ id: 'up', files: [] }));
    const bytes = new Uint8Array([1, 2, 3]);
    await new ApiClient({ fetch: fetchFn, token: () => 't' }).putChunk(
      'up1',
      'model.safetensors',
      2097152,
      bytes,
    );
    expect(calls[0]).toMatchObject({
      method: 'PUT',
      url: '/api/v1/uploads/up1/files/model.safetensors?offset=2097152',
      headers: { 'Content-Type': 'application/octet-stream', Authorization: 'Bearer t' },
    });
    expect(calls[0].body).toBe(bytes);
  });

  it('builds filter queries without empty values', async () => {
    const { calls, fetchFn } = recorder(() => json({ datasets: [] }));
    const c = new ApiClient({ fetch: fetchFn });
    await c.datasets({ type: 'table', model: '', q: 'a b&c', min_quality: 0.7 });
    await c.datasets();
    expect(calls[0].url).toBe('/api/v1/datasets?type=table&min_quality=0.7&q=a+b%26c');
    expect(calls[1].url).toBe('/api/v1/datasets');
    expect(c.downloadUrl('d1', 'csv', 'orders')).toBe(
      '/api/v1/datasets/d1/download?format=csv&table=orders',
    );
    expect(query({ a: null, b: undefined, c: '', d: 0 })).toBe('?d=0');
  });

  it('turns error bodies into ApiError and tolerates non-JSON errors', async () => {
    const c1 = new ApiClient({
      fetch: async () =>
        json(
          {
            error: {
              code: 'bad_request',
              message: 'params.temperature must be 0..2 (got 3)',
            },
          },
          400,
        ),
    });
    const err = await c1.createJob({ type: 'text', name: 'x', params: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'params.temperature must be 0..2 (got 3)',
    });

    const c2 = new ApiClient({
      fetch: async () =>
        new Response('<html>gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    await expect(c2.jobs()).rejects.toMatchObject({
      status: 502,
      code: 'http_502',
      message: 'Bad Gateway',
    });

    const c3 = new ApiClient({
      fetch: async () => json({ error: { code: 'unauthorized', message: 'missing token' } }, 401),
    });
    await expect(c3.deleteDataset('d')).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringContaining('#token='),
    });
  });

  it('returns undefined for 204 responses', async () => {
    const c = new ApiClient({ fetch: async () => new Response(null, { status: 204 }) });
    await expect(c.deleteModel('m')).resolves.toBeUndefined();
  });
});
