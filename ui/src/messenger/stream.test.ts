import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, debounce, SseParser, startStream } from './stream';

describe('SseParser', () => {
  it('parses events, skipping keep-alive comments', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\n\n')).toEqual([]);
    expect(p.push('event: changed\ndata: {}\n\n')).toEqual([{ event: 'changed', data: '{}', id: null }]);
  });

  it('joins chunks split anywhere, and CRLF line ends', () => {
    const p = new SseParser();
    const text = 'event: changed\r\ndata: a\r\ndata: b\r\n\r\nevent: other\r\n\r\n';
    const events = [];
    for (const ch of text) events.push(...p.push(ch));
    expect(events).toEqual([
      { event: 'changed', data: 'a\nb', id: null },
      { event: 'other', data: '', id: null },
    ]);
  });

  it('names an event without `event:` "message", and keeps ids', () => {
    const p = new SseParser();
    expect(p.push('id: 7\ndata:x\n\n')).toEqual([{ event: 'message', data: 'x', id: '7' }]);
  });
});

describe('backoff and debounce', () => {
  it('doubles up to the cap', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a))).toEqual([1000, 2000, 4000, 8000, 30000]);
    expect(backoffDelay(0, 1000, 30000, 0.5)).toBe(1500);
  });

  it('runs once after a burst', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 200);
    d.call();
    vi.advanceTimersByTime(100);
    d.call();
    d.call();
    vi.advanceTimersByTime(199);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    d.call();
    d.cancel();
    vi.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });
});

function sseResponse(chunks: string[]): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(enc.encode(chunk));
      c.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('startStream', () => {
  afterEach(() => vi.useRealTimers());

  it('reads events with the token, reconnects when dropped, and stops', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn(async () => sseResponse([': hi\n\n', 'event: changed\ndata: {}\n\n']));
    const events: string[] = [];
    const opens: boolean[] = [];
    const s = startStream({
      url: '/messenger/stream',
      token: () => 'tok',
      fetch,
      onEvent: (e) => events.push(e.event),
      onOpen: (again) => opens.push(again),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['changed']);
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    // The body ended: it reconnects after a second or so.
    await vi.advanceTimersByTimeAsync(1300);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(opens).toEqual([false, true]);
    s.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('stops for good on 401', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn(async () => new Response('{}', { status: 401 }));
    const onUnauthorized = vi.fn();
    startStream({ url: '/s', token: () => 'tok', fetch, onEvent: () => {}, onUnauthorized });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('backs off while the server refuses', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn(async () => new Response('', { status: 404 }));
    const s = startStream({ url: '/s', token: () => 'tok', fetch, onEvent: () => {} });
    await vi.advanceTimersByTimeAsync(10_000); // 1 + 2 + 4 s (plus jitter) of waiting
    const calls = fetch.mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(4);
    s.stop();
  });
});
