import { describe, expect, it } from 'vitest';
import {
  deliveryOutcome,
  deliveryTime,
  failuresLabel,
  plausibleUrl,
  sameTopics,
  topicGroups,
  topicLabel,
  webhookStatus,
  withTopic,
} from './webhooks';

const SERVER_TOPICS = [
  'ticket.created',
  'ticket.state.updated',
  'ticket.admin.assigned',
  'ticket.team.assigned',
  'ticket.contact.replied',
  'ticket.admin.replied',
  'ticket.note.created',
  'ticket.closed',
  'ticket.reopened',
];

describe('webhooks', () => {
  it('say whether an endpoint is active, off or paused, and why', () => {
    expect(webhookStatus({ active: true, paused_reason: null, failures: 0 })).toEqual({
      kind: 'active',
      label: 'Active',
      detail: null,
    });
    expect(webhookStatus({ active: true, paused_reason: null, failures: 3 }).detail).toBe(
      '3 failures in a row; retrying with growing pauses',
    );
    expect(webhookStatus({ active: false, paused_reason: null, failures: 0 })).toEqual({
      kind: 'off',
      label: 'Off',
      detail: null,
    });
    const paused = webhookStatus({
      active: false,
      paused_reason: 'paused after 10 failed deliveries in a row; the last: the receiver answered 500',
      failures: 10,
    });
    expect(paused.kind).toBe('paused');
    expect(paused.label).toBe('Paused');
    expect(paused.detail).toBe('Paused after 10 failed deliveries in a row; the last: the receiver answered 500');
    expect(failuresLabel(1)).toBe('1 failure');
    expect(failuresLabel(1200)).toBe('1,200 failures');
  });

  it('group the server’s topics, keeping ones it adds later', () => {
    const groups = topicGroups(SERVER_TOPICS);
    expect(groups.map((g) => g.label)).toEqual(['Tickets', 'Assignment', 'Conversation']);
    expect(groups.flatMap((g) => g.topics).sort()).toEqual([...SERVER_TOPICS].sort());
    expect(topicGroups(['ticket.note.created', 'conversation.started'])).toEqual([
      { label: 'Conversation', topics: ['ticket.note.created'] },
      { label: 'Other', topics: ['conversation.started'] },
    ]);
    expect(topicLabel('ticket.note.created')).toBe('Note added');
    expect(topicLabel('conversation.started')).toBe('conversation.started');
  });

  it('tick topics in the server’s order', () => {
    let chosen = withTopic([], 'ticket.note.created', true, SERVER_TOPICS);
    chosen = withTopic(chosen, 'ticket.created', true, SERVER_TOPICS);
    expect(chosen).toEqual(['ticket.created', 'ticket.note.created']);
    expect(withTopic(chosen, 'ticket.created', false, SERVER_TOPICS)).toEqual(['ticket.note.created']);
    // One the server no longer offers stays, for the server to refuse with its reason.
    expect(withTopic(['gone.topic'], 'ticket.closed', true, SERVER_TOPICS)).toEqual(['ticket.closed', 'gone.topic']);
    expect(sameTopics(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameTopics(['a'], ['a', 'b'])).toBe(false);
  });

  it('read a delivery’s outcome', () => {
    expect(deliveryOutcome({ status: 200, error: null })).toEqual({ ok: true, text: '200', detail: null });
    expect(deliveryOutcome({ status: 500, error: 'the receiver answered 500 Internal Server Error' })).toEqual({
      ok: false,
      text: '500',
      detail: 'The receiver answered 500 Internal Server Error',
    });
    expect(deliveryOutcome({ status: null, error: 'could not reach the receiver: connection refused' })).toEqual({
      ok: false,
      text: 'Could not reach the receiver: connection refused',
      detail: null,
    });
    expect(deliveryOutcome({ status: null, error: null }).text).toBe('No answer');
  });

  it('time deliveries to the second, with the day when not today', () => {
    const now = new Date(2025, 2, 4, 15, 0, 0).getTime();
    expect(deliveryTime(new Date(2025, 2, 4, 14, 5, 9).getTime(), now, 'en-GB')).toBe('14:05:09');
    expect(deliveryTime(new Date(2025, 2, 3, 14, 5, 9).getTime(), now, 'en-GB')).toBe('3 Mar, 14:05:09');
  });

  it('only send URLs that could be one', () => {
    expect(plausibleUrl(' https://hooks.example.com/x ')).toBe(true);
    expect(plausibleUrl('http://127.0.0.1:9000/hook')).toBe(true);
    expect(plausibleUrl('hooks.example.com')).toBe(false);
    expect(plausibleUrl('https:///path')).toBe(false);
    expect(plausibleUrl('')).toBe(false);
  });
});
