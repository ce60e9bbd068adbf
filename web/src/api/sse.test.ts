import { describe, expect, it } from 'vitest';
import { decodeJobEvent, readJobEvents, SseParser, type JobEvent } from './sse';

function feedAll(chunks: string[]) {
  const p = new SseParser();
  return chunks.flatMap((c) => p.feed(c));
}

function streamResponse(chunks: string[]): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(ctl) {
      for (const c of chunks) ctl.enqueue(enc.encode(c));
      ctl.close();
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

describe('SseParser', () => {
  const text =
    ': keep-alive\n\nevent: job\ndata: {"id":"j1"}\n\nevent: token\ndata: {"item":0,\ndata: "text":"a"}\nid: 7\n\ndata: plain\n\n';

  it('parses named events, comments, multi-line data and ids', () => {
    expect(feedAll([text])).toEqual([
      { event: 'job', data: '{"id":"j1"}', id: '' },
      { event: 'token', data: '{"item":0,\n"text":"a"}', id: '7' },
      { event: 'message', data: 'plain', id: '7' },
    ]);
  });

  it('gives the same events however the stream is split', () => {
    const whole = feedAll([text]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(feedAll([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(feedAll(text.split(''))).toEqual(whole);
  });

  it('accepts CRLF and CR line ends, also split between chunks', () => {
    const crlf = 'event: progress\r\ndata: {"items_done":1}\r\n\r\n';
    const expected = [{ event: 'progress', data: '{"items_done":1}', id: '' }];
    expect(feedAll([crlf])).toEqual(expected);
    expect(feedAll(['event: progress\r', '\ndata: {"items_done":1}\r', '\n\r', '\n'])).toEqual(
      expected,
    );
    expect(feedAll(['event: progress\rdata: {"items_done":1}\r\r'])).toEqual(expected);
  });

  it('keeps a space after the colon only once and holds an unfinished event back', () => {
    expect(feedAll(['data:  two spaces\n\n'])).toEqual([
      { event: 'message', data: ' two spaces', id: '' },
    ]);
    expect(feedAll(['event: job\ndata: {}\n'])).toEqual([]);
  });
});

describe('decodeJobEvent', () => {
  it('decodes the three event kinds and drops malformed ones', () => {
    expect(decodeJobEvent({ event: 'token', data: '{"item":2,"text":" hi"}', id: '' })).toEqual({
      type: 'token',
      item: 2,
      text: ' hi',
    });
    expect(
      decodeJobEvent({
        event: 'progress',
        data: '{"items_done":1,"items_total":5,"tokens_done":9}',
        id: '',
      }),
    ).toEqual({
      type: 'progress',
      progress: { items_done: 1, items_total: 5, tokens_done: 9 },
    });
    expect(
      decodeJobEvent({ event: 'job', data: '{"id":"j","state":"running"}', id: '' })?.type,
    ).toBe('job');
    expect(decodeJobEvent({ event: 'job', data: 'not json', id: '' })).toBeNull();
    expect(decodeJobEvent({ event: 'token', data: '{"item":"x"}', id: '' })).toBeNull();
    expect(decodeJobEvent({ event: 'other', data: '{}', id: '' })).toBeNull();
  });
});

describe('readJobEvents', () => {
  it('reads a streamed body split inside multi-byte characters until it ends', async () => {
    const body =
      'event: job\ndata: {"id":"j1","state":"running"}\n\nevent: token\ndata: {"item":0,"text":"héllo ✓"}\n\n';
    const bytes = new TextEncoder().encode(body);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.slice(i, i + 3));
    const res = new Response(
      new ReadableStream<Uint8Array>({
        start(ctl) {
          chunks.forEach((c) => ctl.enqueue(c));
          ctl.close();
        },
      }),
    );
    const events: JobEvent[] = [];
    await readJobEvents(
      '/x',
      (e) => events.push(e),
      new AbortController().signal,
      async () => res,
    );
    expect(events.map((e) => e.type)).toEqual(['job', 'token']);
    expect(events[1]).toEqual({ type: 'token', item: 0, text: 'héllo ✓' });
  });

  it('turns an error response into an ApiError with the server message', async () => {
    const res = new Response(
      JSON.stringify({ error: { code: 'not_found', message: 'no job j9' } }),
      { status: 404 },
    );
    await expect(
      readJobEvents(
        '/x',
        () => {},
        new AbortController().signal,
        async () => res,
      ),
    ).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'no job j9',
    });
  });

  it('resolves quietly when aborted', async () => {
    const ctl = new AbortController();
    const fetchFn = (_: string, init?: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError')),
        ),
      );
    const done = readJobEvents('/x', () => {}, ctl.signal, fetchFn);
    ctl.abort();
    await expect(done).resolves.toBeUndefined();
    expect(streamResponse(['']).ok).toBe(true);
  });
});
