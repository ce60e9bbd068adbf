import { describe, expect, it } from 'vitest';
import { Principal } from '@icp-sdk/core/principal';
import type { Job as IcJob, JobEvents } from '../../bindings/hyv_generator';
import type { JobEvent } from '../sse';
import { eventsFromIc, pollJobEvents, type JobEventsSource } from './events';

function icJob(patch: Partial<IcJob> = {}): IcJob {
  return {
    id: 'job-1',
    data_type: 'text',
    state: 'running',
    params: '{"samples":2}',
    owner: Principal.anonymous(),
    name: 'n',
    attempts: 1,
    created_at_ms: 1000n,
    updated_at_ms: 2000n,
    finished_at_ms: 0n,
    items_done: 0n,
    items_total: 2n,
    tokens_done: 0n,
    error: '',
    dataset_id: undefined,
    ...patch,
  };
}

type Answer = Awaited<ReturnType<JobEventsSource['job_events']>>;
const ok = (e: JobEvents): Answer => ({ __kind__: 'Ok', Ok: e });

// A fake generator answering job_events from a script, recording each `since`.
function fake(answers: Answer[]) {
  const calls: { id: string; since: bigint }[] = [];
  const source: JobEventsSource = {
    job_events: async (id, since) => {
      calls.push({ id, since });
      const a = answers.shift();
      if (!a) throw new Error('polled after the job was final');
      return a;
    },
  };
  return { source, calls };
}

describe('job events on the IC', () => {
  it('maps pieces to token events in seq order, then the job', () => {
    const events = eventsFromIc({
      job: icJob({ items_done: 1n, tokens_done: 7n }),
      pieces: [
        { seq: 5n, item: 1n, text: ' world' },
        { seq: 4n, item: 0n, text: 'Hello' },
      ],
      next: 5n,
    });
    expect(events.slice(0, 2)).toEqual([
      { type: 'token', item: 0, text: 'Hello' },
      { type: 'token', item: 1, text: ' world' },
    ]);
    const last = events[2];
    expect(last.type).toBe('job');
    if (last.type !== 'job') return;
    expect(last.job.progress).toEqual({ items_done: 1, items_total: 2, tokens_done: 7 });
    expect(last.job.params).toEqual({ samples: 2 });
    expect(last.job.error).toBeNull();
  });

  it('polls with the last `next` until the job is final, at most once a second', async () => {
    const { source, calls } = fake([
      ok({ job: icJob(), pieces: [{ seq: 1n, item: 0n, text: 'a' }], next: 1n }),
      ok({ job: icJob({ items_done: 1n }), pieces: [], next: 1n }),
      ok({
        job: icJob({
          state: 'succeeded',
          items_done: 2n,
          finished_at_ms: 3000n,
          dataset_id: 'ds-9',
        }),
        pieces: [{ seq: 2n, item: 1n, text: 'b' }],
        next: 2n,
      }),
    ]);
    const seen: JobEvent[] = [];
    const sleeps: number[] = [];
    let clock = 0;
    await pollJobEvents(source, 'job-1', (e) => seen.push(e), new AbortController().signal, {
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    expect(calls.map((c) => c.since)).toEqual([0n, 1n, 1n]);
    expect(calls.every((c) => c.id === 'job-1')).toBe(true);
    expect(sleeps).toEqual([1000, 1000]); // none after the final answer
    expect(seen.filter((e) => e.type === 'token')).toEqual([
      { type: 'token', item: 0, text: 'a' },
      { type: 'token', item: 1, text: 'b' },
    ]);
    const last = seen[seen.length - 1];
    expect(last.type === 'job' && last.job.state).toBe('succeeded');
    expect(last.type === 'job' && last.job.dataset_id).toBe('ds-9');
  });

  it('counts the wait from the start of a slow poll', async () => {
    let clock = 0;
    const source: JobEventsSource = {
      job_events: async () => {
        clock += 700; // the query takes 0.7 s
        return ok({
          job: icJob({ state: sleeps.length ? 'failed' : 'running' }),
          pieces: [],
          next: 0n,
        });
      },
    };
    const sleeps: number[] = [];
    await pollJobEvents(source, 'job-1', () => undefined, new AbortController().signal, {
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    expect(sleeps).toEqual([300]);
  });

  it('rejects with the Err text, and stops quietly when aborted', async () => {
    const { source } = fake([{ __kind__: 'Err', Err: 'no job "nope"' }]);
    await expect(
      pollJobEvents(source, 'nope', () => undefined, new AbortController().signal),
    ).rejects.toThrow('no job "nope"');

    const ctl = new AbortController();
    const seen: JobEvent[] = [];
    const running = fake([ok({ job: icJob(), pieces: [], next: 0n })]);
    await pollJobEvents(running.source, 'job-1', (e) => seen.push(e), ctl.signal, {
      sleep: async () => ctl.abort(),
    });
    expect(running.calls.length).toBe(1);
    expect(seen.length).toBe(1);
  });
});
