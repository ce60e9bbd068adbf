// Server-Sent Events over fetch: an incremental parser of the text/event-stream format (WHATWG HTML
// §9.2.6) and a reader for a job's event stream. fetch is used instead of EventSource because the
// job stream ends when the job stops, and EventSource would reconnect forever (logging an error
// each time).
import type { Job, Progress } from './types';
import { errorFromResponse, type FetchLike } from './client';

export interface SseEvent {
  event: string; // "message" when the stream names none
  data: string;
  id: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private lastId = '';
  private sawCr = false;

  // Feeds decoded text; returns the events completed by it.
  feed(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\n' && this.sawCr) {
        this.sawCr = false; // the LF of a CRLF already ended the line
        continue;
      }
      this.sawCr = c === '\r';
      if (c === '\r' || c === '\n') {
        this.line(this.buffer, out);
        this.buffer = '';
      } else {
        this.buffer += c;
      }
    }
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) {
        out.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.lastId });
      }
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    // "retry" and unknown fields are ignored
  }
}

export type JobEvent =
  | { type: 'job'; job: Job }
  | { type: 'progress'; progress: Progress }
  | { type: 'token'; item: number; text: string };

// Decodes one SSE event of a job stream; null for events this app does not know.
export function decodeJobEvent(e: SseEvent): JobEvent | null {
  let data: unknown;
  try {
    data = JSON.parse(e.data);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  switch (e.event) {
    case 'job':
      return typeof d.id === 'string' ? { type: 'job', job: d as unknown as Job } : null;
    case 'progress':
      return { type: 'progress', progress: d as unknown as Progress };
    case 'token':
      return typeof d.item === 'number' && typeof d.text === 'string'
        ? { type: 'token', item: d.item, text: d.text }
        : null;
    default:
      return null;
  }
}

// Reads the stream until the server ends it or `signal` aborts; resolves then (an abort is not an
// error). Each known event goes to onEvent in order.
export async function readJobEvents(
  url: string,
  onEvent: (e: JobEvent) => void,
  signal: AbortSignal,
  fetchFn: FetchLike = (input, init) => fetch(input, init),
): Promise<void> {
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { Accept: 'text/event-stream' }, signal });
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
  if (!res.ok) throw await errorFromResponse(res);
  if (!res.body) throw new Error('the event stream has no body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (const e of parser.feed(text)) {
        const decoded = decodeJobEvent(e);
        if (decoded) onEvent(decoded);
      }
      if (done) return;
    }
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  } finally {
    reader.releaseLock();
  }
}
