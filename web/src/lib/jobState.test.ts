import { describe, expect, it } from 'vitest';
import type { Job } from '../api/types';
import { applyJobEvent, EMPTY_LIVE, isFinal } from './jobState';

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
  finished_at_ms: 0,
  progress: { items_done: 0, items_total: 3, tokens_done: 0 },
  error: null,
  dataset_id: null,
});

describe('live job state', () => {
  it('appends streamed tokens to their sample and follows progress and state', () => {
    let s = applyJobEvent(EMPTY_LIVE, { type: 'job', job: job('running') });
    s = applyJobEvent(s, { type: 'token', item: 0, text: 'Hello' });
    s = applyJobEvent(s, { type: 'token', item: 2, text: 'def' });
    s = applyJobEvent(s, { type: 'token', item: 0, text: ' world' });
    s = applyJobEvent(s, {
      type: 'progress',
      progress: { items_done: 1, items_total: 3, tokens_done: 3 },
    });
    expect(s.texts).toEqual(['Hello world', '', 'def']);
    expect(s.tokens).toBe(3);
    expect(s.progress.items_done).toBe(1);
    expect(s.job?.progress.tokens_done).toBe(3);
    expect(isFinal(s.job)).toBe(false);
    s = applyJobEvent(s, { type: 'job', job: { ...job('succeeded'), dataset_id: 'ds-1' } });
    expect(isFinal(s.job)).toBe(true);
    expect(s.texts[0]).toBe('Hello world');
  });
  it('ignores absurd sample indices', () => {
    expect(applyJobEvent(EMPTY_LIVE, { type: 'token', item: -1, text: 'x' })).toBe(EMPTY_LIVE);
  });
});
