import { describe, expect, it } from 'vitest';
import { downloadFileName } from './backend';
import { ApiClient } from './client';
import { RestBackend } from './rest';
import type { JobEvent } from './sse';
import type { Job } from './types';

const job = (state: Job['state']): Job => ({
  id: 'j1',
  type: 'text',
  name: 'n',
  state,
  params: {},
  attempts: 1,
  created_at_ms: 1,
  started_at_ms: 2,
  updated_at_ms: 3,
  finished_at_ms: state === 'succeeded' ? 4 : 0,
  progress: { items_done: 0, items_total: 1, tokens_done: 0 },
  error: null,
  dataset_id: state === 'succeeded' ? 'ds' : null,
});

describe('RestBackend', () => {
  it('follows the SSE stream, then polls the job when the stream ended early', async () => {
    const urls: string[] = [];
    const fetchFn = async (url: string) => {
      urls.push(url);
      if (url.endsWith('/events')) {
        const body =
          `event: job\ndata: ${JSON.stringify(job('running'))}\n\n` +
          'event: token\ndata: {"item":0,"text":"Hi"}\n\n';
        return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
      }
      return new Response(JSON.stringify(job('succeeded')), {
        headers: { 'Content-Type': 'application/json' },
      });
    };
    const client = new ApiClient({ token: () => null, fetch: fetchFn });
    const seen: JobEvent[] = [];
    await new RestBackend(client, fetchFn).followJob(
      'j1',
      (e) => seen.push(e),
      new AbortController().signal,
    );
    expect(urls).toEqual(['/api/v1/jobs/j1/events', '/api/v1/jobs/j1']);
    expect(seen.map((e) => e.type)).toEqual(['job', 'token', 'job']);
    const last = seen[2];
    expect(last.type === 'job' && last.job.state).toBe('succeeded');
  });

  it('keeps downloads as links and can do everything', () => {
    const b = new RestBackend(new ApiClient({ token: () => null }));
    expect(b.downloadUrl('ds-1', 'csv', 'orders')).toBe(
      '/api/v1/datasets/ds-1/download?format=csv&table=orders',
    );
    expect(b.capabilities).toEqual({
      deleteModel: true,
      setDefaultModel: true,
      deleteDataset: true,
    });
    expect(b.auth).toBeNull();
  });

  it('names downloads as hyv serve does', () => {
    expect(downloadFileName('ds-1', 'jsonl', 'samples', ['samples'])).toBe('ds-1.jsonl');
    expect(downloadFileName('ds-1', 'csv', undefined, ['customers', 'orders'])).toBe('ds-1.csv');
    expect(downloadFileName('ds-1', 'csv', 'orders', ['customers', 'orders'])).toBe(
      'ds-1-orders.csv',
    );
  });
});
