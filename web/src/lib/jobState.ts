// What the live job panel shows, folded from the job's event stream: the job record, its progress
// and, for text and code, the text of each sample as its tokens arrive.
import type { Job, Progress } from '../api/types';
import { FINAL_STATES } from '../api/types';
import type { JobEvent } from '../api/sse';

export interface LiveJob {
  job: Job | null;
  progress: Progress;
  texts: string[]; // per sample index
  tokens: number; // token events seen
}

export const EMPTY_LIVE: LiveJob = {
  job: null,
  progress: { items_done: 0, items_total: 0, tokens_done: 0 },
  texts: [],
  tokens: 0,
};

// Keeps at most this many characters per sample on screen while streaming.
const MAX_LIVE_CHARS = 20_000;

export function applyJobEvent(s: LiveJob, e: JobEvent): LiveJob {
  switch (e.type) {
    case 'job':
      return { ...s, job: e.job, progress: e.job.progress ?? s.progress };
    case 'progress':
      return {
        ...s,
        progress: e.progress,
        job: s.job ? { ...s.job, progress: e.progress } : s.job,
      };
    case 'token': {
      if (e.item < 0 || e.item > 100_000) return s;
      const texts = s.texts.slice();
      while (texts.length <= e.item) texts.push('');
      const next = texts[e.item] + e.text;
      texts[e.item] = next.length > MAX_LIVE_CHARS ? next.slice(0, MAX_LIVE_CHARS) : next;
      return { ...s, texts, tokens: s.tokens + 1 };
    }
  }
}

export function isFinal(job: Pick<Job, 'state'> | null): boolean {
  return !!job && FINAL_STATES.includes(job.state);
}
