import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, errorFromResponse, isUnauthorized, NETWORK_MESSAGE } from './api';

function response(status: number, body: unknown = '', headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : text, { status, headers });
}

describe('errorFromResponse', () => {
  it('takes code and message from the API error body', () => {
    const e = errorFromResponse(
      422,
      JSON.stringify({
        type: 'error.list',
        code: 'attribute_required',
        message: 'Order ID is required.',
        errors: [{ code: 'attribute_required', message: 'Order ID is required.' }],
      }),
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.code).toBe('attribute_required');
    expect(e.message).toBe('Order ID is required.');
  });

  it('falls back to the errors list, then to a generic message', () => {
    expect(errorFromResponse(400, JSON.stringify({ errors: [{ code: 'bad', message: 'Bad.' }] })).code).toBe('bad');
    const html = errorFromResponse(502, '<html>Bad gateway</html>');
    expect(html.code).toBe('http_502');
    expect(html.message).toMatch(/on our side/);
    expect(errorFromResponse(404, '').code).toBe('http_404');
  });
});

describe('createApi', () => {
  it('sends the bearer token and JSON, and returns the data', async () => {
    const fetch = vi.fn(async () => response(200, { recent_tickets: [], tickets_space: null, badges: {} }));
    const api = createApi({ token: () => 'tok', fetch });
    const home = await api.home();
    expect(home.tickets_space).toBeNull();
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/messenger/home');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');

    await api.ticketReply('01T', 'Hello');
    const [url2, init2] = fetch.mock.calls[1] as unknown as [string, RequestInit];
    expect(url2).toBe('/messenger/tickets/01T/reply');
    expect(init2.method).toBe('POST');
    expect(JSON.parse(init2.body as string)).toEqual({ body: 'Hello' });
  });

  it('uploads a file raw under its name, and names files in a message only when there are some', async () => {
    const stored = { id: 'F1', name: 'shot.png', content_type: 'image/png', size: 3, url: '/messenger/attachments/F1' };
    const fetch = vi.fn(async () => response(201, stored));
    const api = createApi({ token: () => 'tok', fetch });
    const file = new File([new Uint8Array([1, 2, 3])], 'my shot.png', { type: 'image/png' });
    expect(await api.upload(file)).toEqual(stored);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/messenger/attachments?name=my%20shot.png');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('image/png');
    expect(init.body).toBe(file);

    await api.conversationReply('01C', 'Logs', ['F1']);
    const [, sent] = fetch.mock.calls[1] as unknown as [string, RequestInit];
    expect(JSON.parse(sent.body as string)).toEqual({ body: 'Logs', attachments: ['F1'] });
  });

  it('sends no token to the sign-in endpoints, and a 401 there is not a session end', async () => {
    const onUnauthorized = vi.fn();
    const fetch = vi.fn(async () => response(401, { code: 'invalid_code', message: 'Wrong code.' }));
    const api = createApi({ token: () => 'tok', fetch, onUnauthorized });
    await expect(api.sessionVerify('a@b.example', '123456')).rejects.toMatchObject({ code: 'invalid_code', status: 401 });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('reports a refused token once and throws', async () => {
    const onUnauthorized = vi.fn();
    const fetch = vi.fn(async () => response(401, { code: 'unauthorized', message: 'The request needs a valid token.' }));
    const api = createApi({ token: () => 'old', fetch, onUnauthorized });
    const e = await api.home().catch((x: unknown) => x);
    expect(isUnauthorized(e)).toBe(true);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('does not call the server without a token', async () => {
    const onUnauthorized = vi.fn();
    const fetch = vi.fn();
    const api = createApi({ token: () => null, fetch, onUnauthorized });
    await expect(api.conversations()).rejects.toMatchObject({ status: 401 });
    expect(fetch).not.toHaveBeenCalled();
    expect(onUnauthorized).toHaveBeenCalled();
  });

  it('turns a network failure into a `network` error', async () => {
    const api = createApi({
      token: () => 't',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(api.home()).rejects.toMatchObject({ code: 'network', status: 0, message: NETWORK_MESSAGE });
  });

  it('accepts an empty 204 and rejects a body that is not JSON', async () => {
    const api = createApi({ token: () => 't', fetch: async () => response(204) });
    await expect(api.logout()).resolves.toBeUndefined();
    const bad = createApi({ token: () => 't', fetch: async () => response(200, 'not json') });
    await expect(bad.home()).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('encodes ids and the brand in paths', async () => {
    const fetch = vi.fn(async () => response(200, { brand: { id: 'b', name: 'B', color: '', logo_url: null } }));
    const api = createApi({ token: () => 't', fetch });
    await api.config('b 1');
    await api.conversation('a/b');
    await api.config(null);
    const urls = fetch.mock.calls.map((c) => (c as unknown as [string])[0]);
    expect(urls).toEqual(['/messenger/config?brand=b%201', '/messenger/conversations/a%2Fb', '/messenger/config']);
  });

  it('marks the open state with keepalive when asked', async () => {
    const fetch = vi.fn(async () => response(200, { open: false }));
    const api = createApi({ token: () => 't', fetch });
    await api.setOpen(false, true);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/messenger/state');
    expect(init.method).toBe('PUT');
    expect(init.keepalive).toBe(true);
  });
});
