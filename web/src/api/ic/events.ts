// A job's live events on the IC: the generator has no stream, so `job_events(id, since)` is polled
// (a query: free and fast) once a second until the job is final. Each answer becomes the events
// the studio's SSE stream gives: the text pieces as 'token' events, then the job (state and
// progress) as a 'job' event.
import type { hyv_generatorInterface, JobEvents } from '../../bindings/hyv_generator';
import type { JobEvent } from '../sse';
import { isFinal } from '../../lib/jobState';
import { jobFromIc, num, unwrap } from './map';

export const POLL_MS = 1000;

export type JobEventsSource = Pick<hyv_generatorInterface, 'job_events'>;

// The events of one job_events answer, in order: pieces, then the job.
export function eventsFromIc(e: JobEvents): JobEvent[] {
  const out: JobEvent[] = [...e.pieces]
    .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))
    .map((p) => ({ type: 'token', item: num(p.item), text: p.text }));
  out.push({ type: 'job', job: jobFromIc(e.job) });
  return out;
}

export interface PollOptions {
  intervalMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

// Polls until the job is final (resolves) or `signal` aborts (resolves); an Err answer or a
// failed call rejects. A poll starts at most every intervalMs: the wait counts from the last
// poll's start, so a slow answer is not followed by a full second more.
export async function pollJobEvents(
  source: JobEventsSource,
  id: string,
  onEvent: (e: JobEvent) => void,
  signal: AbortSignal,
  opts: PollOptions = {},
): Promise<void> {
  const interval = opts.intervalMs ?? POLL_MS;
  const sleep = opts.sleep ?? abortableSleep;
  const now = opts.now ?? (() => Date.now());
  let since = 0n;
  while (!signal.aborted) {
    const started = now();
    let answer: JobEvents;
    try {
      answer = unwrap('job_events', await source.job_events(id, since));
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    if (signal.aborted) return;
    if (answer.next > since) since = answer.next;
    const events = eventsFromIc(answer);
    for (const e of events) onEvent(e);
    const last = events[events.length - 1];
    if (last.type === 'job' && isFinal(last.job)) return;
    await sleep(Math.max(0, interval - (now() - started)), signal);
  }
}
