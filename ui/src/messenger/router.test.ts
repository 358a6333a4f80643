import { describe, expect, it } from 'vitest';
import { parentRoute, parseRoute, routeHash, spaceOf, threadRoute, withoutLink, type Route } from './router';

describe('parseRoute', () => {
  it('reads every documented hash route', () => {
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#/')).toEqual({ name: 'home' });
    expect(parseRoute('#/messages')).toEqual({ name: 'messages' });
    expect(parseRoute('#/messages/')).toEqual({ name: 'messages' });
    expect(parseRoute('#/messages/01ABC')).toEqual({ name: 'conversation', id: '01ABC' });
    expect(parseRoute('#/messages/new')).toEqual({ name: 'new_conversation' });
    expect(parseRoute('#/tickets')).toEqual({ name: 'tickets' });
    expect(parseRoute('#/tickets/01XYZ')).toEqual({ name: 'ticket', id: '01XYZ' });
    expect(parseRoute('#/tickets/123')).toEqual({ name: 'ticket', id: '123' });
    expect(parseRoute('#/tickets/new')).toEqual({ name: 'new_ticket' });
  });

  it('sends anything unknown home', () => {
    expect(parseRoute('#/nowhere')).toEqual({ name: 'home' });
    expect(parseRoute('#/tickets/1/extra')).toEqual({ name: 'home' });
    expect(parseRoute('#settings')).toEqual({ name: 'home' });
  });

  it('decodes ids, and survives bad escapes', () => {
    expect(parseRoute('#/tickets/a%20b')).toEqual({ name: 'ticket', id: 'a b' });
    expect(parseRoute('#/tickets/%E0%A4%A')).toEqual({ name: 'ticket', id: '%E0%A4%A' });
  });

  it('round-trips with routeHash', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'messages' },
      { name: 'conversation', id: '01J/odd id' },
      { name: 'new_conversation' },
      { name: 'tickets' },
      { name: 'ticket', id: '01K' },
      { name: 'new_ticket' },
    ];
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r);
  });
});

describe('spaces and parents', () => {
  it('puts each route in its space', () => {
    expect(spaceOf({ name: 'home' })).toBe('home');
    expect(spaceOf({ name: 'conversation', id: 'x' })).toBe('messages');
    expect(spaceOf({ name: 'new_conversation' })).toBe('messages');
    expect(spaceOf({ name: 'ticket', id: 'x' })).toBe('tickets');
    expect(spaceOf({ name: 'new_ticket' })).toBe('tickets');
  });

  it('goes back to the list of the space', () => {
    expect(parentRoute({ name: 'ticket', id: 'x' })).toEqual({ name: 'tickets' });
    expect(parentRoute({ name: 'new_conversation' })).toEqual({ name: 'messages' });
    expect(parentRoute({ name: 'tickets' })).toEqual({ name: 'home' });
  });
});

describe('signed links', () => {
  it('routes to the thread a session names', () => {
    expect(threadRoute({ ticket: '01T' })).toEqual({ name: 'ticket', id: '01T' });
    expect(threadRoute({ conversation: '01C' })).toEqual({ name: 'conversation', id: '01C' });
    expect(threadRoute(null)).toEqual({ name: 'home' });
    expect(threadRoute(undefined)).toEqual({ name: 'home' });
  });

  it('takes the link token out of the URL and keeps the rest', () => {
    expect(withoutLink('https://s.example/messenger?brand=b1&link=TOK#/tickets')).toEqual({
      link: 'TOK',
      url: '/messenger?brand=b1#/tickets',
    });
    expect(withoutLink('https://s.example/messenger?link=A.B-C')).toEqual({ link: 'A.B-C', url: '/messenger' });
    expect(withoutLink('https://s.example/messenger?brand=b1')).toBeNull();
  });
});
