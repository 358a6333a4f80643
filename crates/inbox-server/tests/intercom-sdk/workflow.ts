// A support team's everyday workflow through Intercom's official Node SDK, pointed at
// inbox-server with its `baseUrl` option. It is compiled with `tsc --strict` and has no casts:
// every call below is one the SDK's own types allow, so integrations written against the SDK
// run unchanged. tests/intercom_sdk.rs starts the server and runs this with INBOX_URL and
// INBOX_TOKEN; any failed expectation or refused request exits non-zero with the reason.

import assert from 'node:assert/strict';
import { Intercom, IntercomClient, IntercomError } from 'intercom-client';

const baseUrl = process.env.INBOX_URL;
const token = process.env.INBOX_TOKEN;
if (!baseUrl || !token) {
  throw new Error('INBOX_URL and INBOX_TOKEN must be set');
}
const client = new IntercomClient({ baseUrl, token, version: '2.14', maxRetries: 0 });
const runId = Date.now().toString(36);

function step(name: string): void {
  console.log(`- ${name}`);
}

function defined<T>(value: T | undefined | null, what: string): T {
  assert.ok(value !== undefined && value !== null, `${what} is missing`);
  return value;
}

async function main(): Promise<void> {
  step('identify the admin the token belongs to');
  const me = defined(await client.admins.identify(), 'GET /me');
  const adminId = defined(me.id, 'me.id');
  assert.equal(me.type, 'admin');
  assert.ok(Array.isArray(me.team_ids), 'me.team_ids');

  step('create a ticket type with an attribute, then list types and states');
  const typeName = `Refund ${runId}`;
  const newType = defined(
    await client.ticketTypes.create({ name: typeName, description: 'Money back', icon: '💸' }),
    'created ticket type',
  );
  assert.equal(newType.category, 'Customer', 'a type is a customer type unless told otherwise');
  const typeId = defined(newType.id, 'ticket type id');
  const orderAttribute = defined(
    await client.ticketTypes.attributes.create({
      ticket_type_id: typeId,
      name: 'Order number',
      description: 'From the shop',
      data_type: 'string',
      required_to_create: false,
      visible_on_create: true,
      required_to_create_for_contacts: false,
    }),
    'created attribute',
  );
  const orderKey = defined(orderAttribute.id, 'attribute id');
  const renamed = defined(
    await client.ticketTypes.attributes.update({
      ticket_type_id: typeId,
      attribute_id: orderKey,
      name: 'Order reference',
      description: 'From the shop',
      visible_to_contacts: true,
    }),
    'updated attribute',
  );
  assert.equal(renamed.name, 'Order reference');
  assert.equal(renamed.id, orderKey, 'an attribute keeps its id');
  const types = await client.ticketTypes.list();
  assert.ok(
    (types.data ?? []).some((t) => t?.id === typeId && t.name === typeName),
    'the new type is listed',
  );
  const states = await client.ticketStates.listTicketStates();
  const inProgress = defined(
    (states.data ?? []).find((s) => s?.category === 'in_progress'),
    'an in-progress state',
  );
  const inProgressId = defined(inProgress.id, 'state id');

  step('create a contact with a role and an external id');
  const externalId = `crm-${runId}`;
  const email = `sdk-${runId}@customer.example`;
  const contact = await client.contacts.create({
    email,
    name: 'Grace Hopper',
    role: 'user',
    external_id: externalId,
  });
  assert.equal(contact.role, 'user');
  assert.equal(contact.external_id, externalId);
  assert.equal(contact.email, email);
  const contactId = defined(contact.id, 'contact id');
  assert.equal(typeof contact.created_at, 'number');
  const found = await client.contacts.showContactByExternalId({ external_id: externalId });
  assert.equal(found.id, contactId);

  step('create a ticket for the contact (by external id), assigned to me');
  const created = defined(
    await client.tickets.create({
      ticket_type_id: typeId,
      contacts: [{ external_id: externalId }],
      assignment: { admin_assignee_id: adminId },
    }),
    'created ticket',
  );
  assert.equal(created.type, 'ticket');
  assert.equal(created.ticket_attributes['_default_title_'], typeName, 'untitled: the type name');
  assert.equal(created.category, 'Customer');
  assert.equal(created.admin_assignee_id, adminId);
  assert.equal(created.contacts.contacts?.[0]?.id, contactId);

  step('get it by id and by number');
  const byId = defined(await client.tickets.get({ ticket_id: created.id }), 'ticket by id');
  assert.equal(byId.ticket_id, created.ticket_id);
  const byNumber = defined(
    await client.tickets.get({ ticket_id: created.ticket_id }),
    'ticket by number',
  );
  assert.equal(byNumber.id, created.id);

  step('give it a title, move it to in progress and unassign then reassign it');
  const title = `Refund for order ${runId}`;
  const updated = defined(
    await client.tickets.update({
      ticket_id: created.id,
      ticket_attributes: {
        _default_title_: title,
        _default_description_: 'Charged twice.',
        [orderKey]: `SO-${runId}`,
      },
      ticket_state_id: inProgressId,
    }),
    'updated ticket',
  );
  assert.equal(updated.ticket_attributes['_default_title_'], title);
  assert.equal(updated.ticket_state?.id, inProgressId);
  const unassigned = defined(
    await client.tickets.update({ ticket_id: created.id, assignee_id: '0' }),
    'unassigned ticket',
  );
  assert.equal(unassigned.admin_assignee_id, undefined, 'an unassigned ticket has no assignee');
  const reassigned = defined(
    await client.tickets.update({ ticket_id: created.id, assignee_id: adminId }),
    'reassigned ticket',
  );
  assert.equal(reassigned.admin_assignee_id, adminId);

  step('reply to the customer and leave a note, as me');
  const reply = await client.tickets.reply({
    ticket_id: created.id,
    body: { message_type: 'comment', type: 'admin', admin_id: adminId, body: 'We have refunded you.' },
  });
  assert.equal(reply.type, 'ticket_part');
  assert.equal(reply.part_type, 'comment');
  assert.equal(reply.author?.id, adminId);
  const note = await client.tickets.reply({
    ticket_id: created.id,
    body: { message_type: 'note', type: 'admin', admin_id: adminId, body: 'Refund id R-1.' },
  });
  assert.equal(note.part_type, 'note');

  step('a second ticket for the same contact, to search and page through');
  const second = defined(
    await client.tickets.create({
      ticket_type_id: typeId,
      contacts: [{ id: contactId }],
    }),
    'second ticket',
  );
  await client.tickets.update({
    ticket_id: second.id,
    ticket_attributes: { _default_title_: `Invoice copy ${runId}` },
  });

  step('search with several operators, paging one ticket at a time');
  const query: Intercom.SearchRequest = {
    query: {
      operator: 'AND',
      value: [
        { field: 'contact_ids', operator: '=', value: contactId },
        { field: 'title', operator: '$', value: runId },
        { field: 'title', operator: '!~', value: 'zzz-no-such-text' },
        { field: 'created_at', operator: '>', value: 0 },
        { field: 'category', operator: 'IN', value: ['request', 'task'] },
        { field: 'teammate_ids', operator: '=', value: adminId },
      ],
    },
    pagination: { per_page: 1 },
  };
  const page = await client.tickets.search(query);
  assert.equal(page.data.length, 1, 'one ticket a page');
  const seen: string[] = [];
  for await (const ticket of page) {
    seen.push(defined(ticket, 'ticket in search').id);
  }
  assert.deepEqual([...seen].sort(), [created.id, second.id].sort());

  const refunds = await client.tickets.search({
    query: { field: 'title', operator: '^', value: 'Refund for' },
  });
  assert.ok(
    refunds.data.some((t) => t?.id === created.id),
    'starts-with finds the refund ticket',
  );
  assert.ok(
    !refunds.data.some((t) => t?.id === second.id),
    'starts-with leaves the invoice ticket out',
  );

  const byOrder = await client.tickets.search({
    query: {
      operator: 'AND',
      value: [
        { field: `ticket_attribute.${orderKey}`, operator: '=', value: `SO-${runId}` },
        { field: 'description', operator: '~', value: 'twice' },
      ],
    },
  });
  assert.deepEqual(
    byOrder.data.map((t) => t?.id),
    [created.id],
    'found by its own attribute and description',
  );

  step('a customer writes; the team answers, notes, assigns, snoozes, reopens and closes');
  const message = await client.conversations.create({
    from: { type: 'user', id: contactId },
    body: `Where is my refund? (${runId})`,
  });
  const conversationId = defined(message.conversation_id, 'conversation id');
  const opened = await client.conversations.find({ conversation_id: conversationId });
  assert.equal(opened.state, 'open');
  assert.equal(opened.contacts?.contacts?.[0]?.id, contactId);
  await client.conversations.reply({
    conversation_id: conversationId,
    body: { message_type: 'comment', type: 'admin', admin_id: adminId, body: 'Checking now.' },
  });
  await client.conversations.reply({
    conversation_id: conversationId,
    body: { message_type: 'note', type: 'admin', admin_id: adminId, body: 'Paid by card.' },
  });
  await client.conversations.reply({
    conversation_id: conversationId,
    body: { message_type: 'comment', type: 'user', intercom_user_id: contactId, body: 'Thanks!' },
  });
  const assigned = await client.conversations.manage({
    conversation_id: conversationId,
    body: { message_type: 'assignment', type: 'admin', admin_id: adminId, assignee_id: adminId },
  });
  assert.equal(String(assigned.admin_assignee_id), adminId);
  const until = Math.floor(Date.now() / 1000) + 3600;
  const snoozed = await client.conversations.manage({
    conversation_id: conversationId,
    body: { message_type: 'snoozed', admin_id: adminId, snoozed_until: until },
  });
  assert.equal(snoozed.state, 'snoozed');
  await client.conversations.manage({
    conversation_id: conversationId,
    body: { message_type: 'open', admin_id: adminId },
  });
  const closed = await client.conversations.manage({
    conversation_id: conversationId,
    body: { message_type: 'close', type: 'admin', admin_id: adminId, body: 'Refunded today.' },
  });
  assert.equal(closed.state, 'closed');
  const partTypes = (closed.conversation_parts?.conversation_parts ?? []).map((p) => p.part_type);
  assert.deepEqual(partTypes, [
    'comment',
    'comment',
    'note',
    'comment',
    'assignment',
    'snoozed',
    'open',
    'comment',
    'close',
  ]);
  let listed = false;
  for await (const c of await client.conversations.list({ per_page: 20 })) {
    if (c.id === conversationId) listed = true;
  }
  assert.ok(listed, 'the conversation is listed');

  step('a refused request reads as an Intercom error list');
  try {
    await client.tickets.get({ ticket_id: '999999999' });
    assert.fail('an unknown ticket must be refused');
  } catch (e) {
    assert.ok(e instanceof IntercomError, `an IntercomError, got ${String(e)}`);
    assert.equal(e.statusCode, 404);
    const body: unknown = e.body;
    assert.ok(typeof body === 'object' && body !== null && 'type' in body && 'errors' in body);
    assert.equal(body.type, 'error.list');
    assert.ok(Array.isArray(body.errors) && body.errors.length === 1);
  }

  console.log(`workflow passed: tickets ${created.ticket_id} and ${second.ticket_id}`);
}

main().catch((e: unknown) => {
  if (e instanceof IntercomError) {
    console.error(`request refused: ${e.statusCode} ${JSON.stringify(e.body)}`);
  }
  console.error(e);
  process.exit(1);
});
