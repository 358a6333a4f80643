import { describe, expect, it } from 'vitest';
import { identityKey, identityOf, isSignOut, pageParams, resizeMessage } from './embed';

describe('embed protocol', () => {
  it('accepts an identify message with a hash and someone to identify', () => {
    expect(
      identityOf({ source: 'teammate-inbox', type: 'identify', user_id: 42, email: ' ada@example.com ', user_hash: 'ab' }),
    ).toEqual({ user_id: '42', email: 'ada@example.com', user_hash: 'ab' });
  });

  it('ignores other messages', () => {
    expect(identityOf(null)).toBeNull();
    expect(identityOf('identify')).toBeNull();
    expect(identityOf({ source: 'other', type: 'identify', email: 'a@b.c', user_hash: 'x' })).toBeNull();
    expect(identityOf({ source: 'teammate-inbox', type: 'resize', open: true })).toBeNull();
    expect(identityOf({ source: 'teammate-inbox', type: 'identify', email: 'a@b.c' })).toBeNull();
    expect(identityOf({ source: 'teammate-inbox', type: 'identify', name: 'Ada', user_hash: 'x' })).toBeNull();
  });

  it('keys identities so a repeat is skipped', () => {
    const a = identityOf({ source: 'teammate-inbox', type: 'identify', email: 'a@b.c', user_hash: 'x' });
    const b = identityOf({ source: 'teammate-inbox', type: 'identify', email: 'a@b.c', user_hash: 'x', update: 1 });
    expect(a && b && identityKey(a) === identityKey(b)).toBe(true);
  });

  it('asks the parent to resize in the documented shape', () => {
    expect(resizeMessage(true)).toEqual({ source: 'teammate-inbox', type: 'resize', open: true });
  });

  it('reads the page parameters', () => {
    expect(pageParams('?embed=1&brand=b1&identity=1')).toEqual({ embed: true, brand: 'b1', expectIdentity: true });
    expect(pageParams('')).toEqual({ embed: false, brand: null, expectIdentity: false });
    expect(pageParams('?embed=0').embed).toBe(false);
  });
});

describe('isSignOut', () => {
  it('knows the sign-out message and nothing else', () => {
    expect(isSignOut({ source: 'teammate-inbox', type: 'signout' })).toBe(true);
    expect(isSignOut({ source: 'other', type: 'signout' })).toBe(false);
    expect(isSignOut({ source: 'teammate-inbox', type: 'identify' })).toBe(false);
    expect(isSignOut('signout')).toBe(false);
    expect(isSignOut(null)).toBe(false);
  });
});
