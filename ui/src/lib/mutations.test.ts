import { describe, expect, it } from 'vitest';
import type { Applied, Mutation } from './bindings';
import { TicketActions } from './mutations.svelte';

function deferred() {
  let resolve!: (a: Applied) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<Applied>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const applied = (title: string) => ({ detail: { ticket: { title } }, outcome: { changes: [], effects: [] } }) as unknown as Applied;
const close: Mutation = { type: 'close', ticket: 't1', resolved: true };

describe('TicketActions', () => {
  it('marks the control busy while its mutation is on its way, and reports the result', async () => {
    const pending = deferred();
    const seen: [string, boolean][] = [];
    const actions = new TicketActions(
      () => pending.promise,
      (a, _m, latest) => seen.push([(a.detail!.ticket as { title: string }).title, latest]),
    );
    const run = actions.run('close', close);
    expect(actions.isBusy('t1', 'close')).toBe(true);
    expect(actions.isBusy('t1', 'state')).toBe(false);
    expect(actions.isBusy('t2', 'close')).toBe(false);
    // A second click on the same control while it waits sends nothing.
    expect(await actions.run('close', close)).toBeNull();
    pending.resolve(applied('done'));
    expect(await run).not.toBeNull();
    expect(actions.isBusy('t1', 'close')).toBe(false);
    expect(seen).toEqual([['done', true]]);
  });

  it('keeps the backend’s error for the area that started the action', async () => {
    const actions = new TicketActions(
      () => Promise.reject({ code: 'tracker_cannot_be_shared', message: 'Tracker tickets are internal only.' }),
      () => {},
    );
    const result = await actions.run('share', { type: 'set_shared', ticket: 't1', shared: true });
    expect(result).toBeNull();
    expect(actions.errorFor('t1', 'share')).toEqual({
      code: 'tracker_cannot_be_shared',
      message: 'Tracker tickets are internal only.',
    });
    expect(actions.errorFor('t1', 'state')).toBeNull();
    expect(actions.errorFor('t2', 'share')).toBeNull();
    actions.dismiss();
    expect(actions.errorFor('t1', 'share')).toBeNull();
  });

  it('turns an unexpected rejection into a shown error', async () => {
    const actions = new TicketActions(() => Promise.reject(new Error('IPC down')), () => {});
    await actions.run('compose', { type: 'reply', ticket: 't1', body: 'hi' });
    expect(actions.errorFor('t1', 'compose')?.code).toBe('unexpected');
  });

  it('clears the ticket’s error when another action starts', async () => {
    let fail = true;
    const actions = new TicketActions(
      () => (fail ? Promise.reject({ code: 'x', message: 'no' }) : Promise.resolve(applied('ok'))),
      () => {},
    );
    await actions.run('brand', { type: 'set_brand', ticket: 't1', brand: 'b' });
    expect(actions.failure).not.toBeNull();
    fail = false;
    await actions.run('assign', { type: 'assign', ticket: 't1', teammate: null, team: null });
    expect(actions.failure).toBeNull();
  });

  it('flags a result overtaken by a later one', async () => {
    const first = deferred();
    const second = deferred();
    const queue = [first.promise, second.promise];
    const seen: [string, boolean][] = [];
    const actions = new TicketActions(
      () => queue.shift()!,
      (a, _m, latest) => seen.push([(a.detail!.ticket as { title: string }).title, latest]),
    );
    const a = actions.run('state', { type: 'set_state', ticket: 't1', state: 's1' });
    const b = actions.run('assign', { type: 'assign', ticket: 't1', teammate: 'm', team: null });
    second.resolve(applied('second'));
    await b;
    first.resolve(applied('first'));
    await a;
    expect(seen).toEqual([
      ['second', true],
      ['first', false],
    ]);
  });

  it('applies a combined action in order after one confirmation, stopping at a refusal', async () => {
    const sent: string[] = [];
    let refuse = false;
    const actions = new TicketActions(
      (m) => {
        sent.push(m.type);
        return refuse && m.type !== 'reply' ? Promise.reject({ code: 'x', message: 'no' }) : Promise.resolve(applied(m.type));
      },
      () => {},
    );
    const reply: Mutation = { type: 'reply', ticket: 't1', body: 'hi' };
    const asked = actions.ask('compose', reply as never, [close as never]);
    expect(actions.pending?.then).toEqual([close]);
    expect(sent).toEqual([]);
    await actions.confirm();
    expect(await asked).not.toBeNull();
    expect(sent).toEqual(['reply', 'close']);

    refuse = true;
    sent.length = 0;
    const again = actions.ask('compose', reply as never, [close as never, { type: 'reopen', ticket: 't1' }]);
    await actions.confirm();
    expect(await again).not.toBeNull();
    expect(sent).toEqual(['reply', 'close']);
    expect(actions.errorFor('t1', 'state')).toEqual({ code: 'x', message: 'no' });
  });
});
