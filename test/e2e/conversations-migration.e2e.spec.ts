import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, describe, expect, it } from '@jest/globals';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { ormOptions } from '../../src/core/database/orm-options.js';
import { useTestApi } from '../harness/test-context.js';

/** The last migration before the conversation core: the database a deployment has today. */
const BEFORE = 'Migration20261204141000_company_country';

/** Old name → new name, per table: what the migration renamed. */
const RENAMED: Record<string, { table: string; columns: Record<string, string> }> = {
  message_reply: { table: 'conversation_entry', columns: { message_id: 'conversation_id' } },
  message_event: { table: 'conversation_event', columns: { message_id: 'conversation_id' } },
  message_user_state: { table: 'conversation_state', columns: { message_id: 'conversation_id' } },
  outbox_copy: { table: 'outbox_copy', columns: { message_id: 'conversation_id', reply_id: 'entry_id' } },
  delivery: { table: 'delivery', columns: { message_id: 'conversation_id', reply_id: 'entry_id' } },
  thread_tag: { table: 'thread_tag', columns: { message_id: 'conversation_id' } },
  inbound_email: { table: 'inbound_email', columns: { thread_message_id: 'conversation_id', reply_id: 'entry_id' } },
  inbound_sms: { table: 'inbound_sms', columns: { message_id: 'conversation_id', reply_id: 'entry_id' } },
  quarantine_item: { table: 'quarantine_item', columns: { assigned_message_id: 'assigned_conversation_id', suggested_message_id: 'suggested_conversation_id' } },
  message_recipient: { table: 'message_recipient', columns: {} },
};

/** Columns later migrations added (null on every row they found): not part of what this one moved. */
const ADDED_LATER: Record<string, string[]> = {
  outbox_copy: ['recipient_address'],
  inbound_email: ['rule_id', 'raw_purged_at'],
  inbound_sms: ['rule_id', 'raw_purged_at'],
  quarantine_item: ['label', 'rule_id', 'received_by'],
};

type Row = Record<string, unknown>;
/** Rows as comparable JSON: dates as ISO text, byte strings as hex, keys sorted. */
const canonical = (rows: Row[]) =>
  rows.map((row) =>
    Object.fromEntries(
      Object.keys(row)
        .sort()
        .map((k) => [k, row[k] instanceof Date ? (row[k]).toISOString() : Buffer.isBuffer(row[k]) ? (row[k]).toString('hex') : row[k]]),
    ),
  );

describe('migration: every message becomes a conversation, in place', () => {
  const env = useTestApi();
  const name = `relais_conv_mig_${randomUUID().slice(0, 8)}`;
  let orm: MikroORM | undefined;
  let admin: MikroORM | undefined;

  afterAll(async () => {
    await orm?.close(true);
    if (admin) {
      await admin.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
      await admin.close(true);
    }
  });

  it('keeps every thread (message, replies, history, states, copies, deliveries, tag, inbound rows, quarantine) as it was, under the new names', async () => {
    const config = env.ctx.config;
    const on = (database: string) => {
      const url = new URL(config.database.url);
      url.pathname = `/${database}`;
      return ormOptions({ ...config, database: { ...config.database, url: url.toString() } });
    };
    // Created and dropped from the server's `postgres` database, apart from the suite's own.
    admin = await MikroORM.init(on('postgres'));
    await admin.em.getConnection().execute(`create database "${name}"`);
    orm = await MikroORM.init(on(name));
    const sql = <T = Row>(query: string, params: unknown[] = []) => boundSql<T>(orm!.em.fork(), query, params);
    await orm.migrator.up({ to: BEFORE });

    // A deployment's data under the previous schema: two companies, every kind of row that hangs off a message.
    const ids: Record<string, string> = {};
    const id = (key: string) => (ids[key] ??= randomUUID());
    for (const c of ['a', 'b']) {
      await sql(`insert into company (id, created_at, updated_at, name) values (?, now(), now(), ?)`, [id(`company-${c}`), `Permanence ${c}`]);
      await sql(
        `insert into app_user (id, created_at, updated_at, company_id, kind, role, first_name, last_name, email, permissions) values (?, now(), now(), ?, 'collaborator', 'manager', 'Ana', ?, ?, '{}')`,
        [id(`user-${c}`), id(`company-${c}`), c, `ana.${c}@example.test`],
      );
      await sql(`insert into app_user (id, created_at, updated_at, company_id, kind, role, first_name, last_name, email, permissions) values (?, now(), now(), ?, 'collaborator', 'operator', 'Bob', ?, ?, '{}')`, [
        id(`cc-${c}`), id(`company-${c}`), c, `bob.${c}@example.test`,
      ]);
      await sql(`insert into client (id, created_at, updated_at, company_id, name, email, mobile) values (?, now(), now(), ?, 'Cabinet Durand', 'contact@durand.test', '+33611111111')`, [
        id(`client-${c}`), id(`company-${c}`),
      ]);
      await sql(`insert into mailbox (id, created_at, updated_at, company_id, name, host, port, secure, username, password_sealed) values (?, now(), now(), ?, 'Réponses', ?, 993, true, 'reply', 'v1:x')`, [
        id(`mailbox-${c}`), id(`company-${c}`), `imap.${c}.test`,
      ]);
      await sql(`insert into sms_number (id, created_at, updated_at, company_id, phone_number, account_sid, auth_token_sealed) values (?, now(), now(), ?, ?, 'AC1', 'v1:x')`, [
        id(`number-${c}`), id(`company-${c}`), c === 'a' ? '+33700000001' : '+33700000002',
      ]);
      for (const [n, flags] of [
        [1, `'message', true, false, 'todo', '2026-12-24', false`],
        [2, `'message', false, true, 'done', null, true`],
        [3, `'remark', false, false, 'none', null, false`],
      ] as const) {
        const m = id(`message-${c}${n}`);
        await sql(
          `insert into message (id, created_at, updated_at, company_id, client_id, author_id, kind, subject, body, urgent, private, task_state, due_date, vad, vad_planned_at, vad_street, last_activity_at)
           values (?, now() - interval '2 days', now(), ?, ?, ?, ${flags.split(', ')[0]}, ?, 'Mme Petit a appelé.', ${flags.split(', ').slice(1, 3).join(', ')}, ${flags.split(', ')[3]}, ${flags.split(', ')[4]}, ${flags.split(', ')[5]},
                   case when ${flags.split(', ')[5]} then now() + interval '1 day' end, case when ${flags.split(', ')[5]} then '3 rue Haute' end, now() - interval '${n} hours')`,
          [m, id(`company-${c}`), id(`client-${c}`), id(`user-${c}`), `Sujet ${c}${n}`],
        );
        await sql(`insert into message_recipient (id, created_at, updated_at, company_id, message_id, user_id) values (?, now(), now(), ?, ?, ?)`, [randomUUID(), id(`company-${c}`), m, id(`cc-${c}`)]);
        const replies: [string, string, string | null, boolean][] = [
          ['app', 'Rappelé.', null, false],
          ['email', 'Oui merci', 'contact@durand.test', false],
          ['sms', 'OK', '+33611111111', false],
          ['email', 'Absent', 'contact@durand.test', true],
        ];
        for (const [k, [origin, body, sender, automatic]] of replies.entries()) {
          const r = id(`reply-${c}${n}-${k}`);
          await sql(
            `insert into message_reply (id, created_at, updated_at, company_id, message_id, author_id, body, origin, sender_address, automatic, original_body, inbound_key, attachments)
             values (?, now() - interval '1 hour', now(), ?, ?, ?, ?, ?::reply_origin, ?, ?, ?, ?, ?::jsonb)`,
            [r, id(`company-${c}`), m, origin === 'app' ? id(`cc-${c}`) : null, body, origin, sender, automatic, origin === 'email' ? `${body}\n> cité` : null,
              origin === 'app' ? null : `${origin}:${r}`, origin === 'email' ? JSON.stringify([{ name: 'a.pdf', contentType: 'application/pdf', size: 3, location: 'k/a.pdf' }]) : null],
          );
          await sql(`insert into message_event (id, created_at, updated_at, company_id, message_id, actor_id, type, details) values (?, now(), now(), ?, ?, ?, 'replied', ?::jsonb)`, [
            randomUUID(), id(`company-${c}`), m, id(`user-${c}`), JSON.stringify({ replyId: r }),
          ]);
        }
        await sql(`insert into message_user_state (id, created_at, updated_at, company_id, message_id, user_id, read_at, deleted_at) values (?, now(), now(), ?, ?, ?, now(), ${n === 2 ? 'now()' : 'null'})`, [
          randomUUID(), id(`company-${c}`), m, id(`user-${c}`),
        ]);
        for (const reply of [null, id(`reply-${c}${n}-0`)]) {
          for (const channel of ['email', 'sms']) {
            const copy = randomUUID();
            await sql(
              `insert into outbox_copy (id, created_at, updated_at, company_id, message_id, reply_id, recipient_type, channel, status, attach_digest) values (?, now(), now(), ?, ?, ?, 'client', ?, 'relayed', ?::jsonb)`,
              [copy, id(`company-${c}`), m, reply, channel, channel === 'email' && !reply ? JSON.stringify({ from: '2026-12-01', to: '2026-12-04' }) : null],
            );
            await sql(
              `insert into delivery (id, created_at, updated_at, company_id, outbox_copy_id, message_id, reply_id, channel, recipient_type, recipient_client_id, address, status, reply_token, email_message_id, provider_message_id, attempts, sent_at)
               values (?, now(), now(), ?, ?, ?, ?, ?, 'client', ?, ?, 'sent', ?, ?, ?, 1, now())`,
              [randomUUID(), id(`company-${c}`), copy, m, reply, channel, id(`client-${c}`), channel === 'email' ? 'contact@durand.test' : '+33611111111',
                channel === 'email' ? randomUUID().replaceAll('-', '') : null, channel === 'email' ? `${randomUUID()}@relais.test` : null, channel === 'sms' ? `SM${randomUUID().replaceAll('-', '')}` : null],
            );
          }
        }
        await sql(`insert into delivery (id, created_at, updated_at, company_id, outbox_copy_id, message_id, reply_id, channel, kind, recipient_type, recipient_user_id, address, status) values (?, now(), now(), ?, ?, ?, ?, 'email', 'reply_alert', 'user', ?, 'ana@example.test', 'skipped')`, [
          randomUUID(), id(`company-${c}`), randomUUID(), m, id(`reply-${c}${n}-1`), id(`user-${c}`),
        ]);
        await sql(`insert into thread_tag (id, created_at, updated_at, company_id, message_id, tag) values (?, now(), now(), ?, ?, ?)`, [randomUUID(), id(`company-${c}`), m, `R-${c.toUpperCase()}${n}XYZ`]);
        await sql(
          `insert into inbound_email (id, created_at, updated_at, company_id, mailbox_id, uid_validity, uid, message_id_header, content_hash, dedup_key, size, raw, status, thread_message_id, reply_id)
           values (?, now(), now(), ?, ?, '1', ?, ?, 'h', ?, 5, '\\x6869'::bytea, 'threaded', ?, ?)`,
          [randomUUID(), id(`company-${c}`), id(`mailbox-${c}`), n, `<${n}@x.test>`, `d${n}`, m, id(`reply-${c}${n}-1`)],
        );
        await sql(
          `insert into inbound_sms (id, created_at, updated_at, company_id, message_sid, account_sid, sms_number_id, from_raw, to_raw, from_address, body, media, params, status, message_id, reply_id)
           values (?, now(), now(), ?, ?, 'AC1', ?, '+33611111111', '+33700000001', '+33611111111', 'OK', '[]'::jsonb, '{}'::jsonb, 'threaded', ?, ?)`,
          [randomUUID(), id(`company-${c}`), `SM-${c}${n}`, id(`number-${c}`), m, id(`reply-${c}${n}-2`)],
        );
        await sql(
          `insert into quarantine_item (id, created_at, updated_at, company_id, channel, source_id, reason, sender, suggested_message_id, status, assigned_message_id, resolved_by, resolved_at)
           values (?, now(), now(), ?, 'email', ?, 'sender_mismatch', 'x@y.test', ?, 'assigned', ?, ?, now())`,
          [randomUUID(), id(`company-${c}`), randomUUID(), m, m, id(`user-${c}`)],
        );
      }
    }

    const before: Record<string, unknown[]> = { message: canonical(await sql('select * from message order by id')) };
    for (const table of Object.keys(RENAMED)) before[table] = canonical(await sql(`select * from ${table} order by id`));

    await orm.migrator.up();

    // Read back under the new names, renamed to the old ones: the same rows, column for column.
    const after: Record<string, unknown[]> = {
      message: canonical(await sql('select m.*, c.last_activity_at from message m join conversation c on c.id = m.id order by m.id')),
    };
    for (const [old, { table, columns }] of Object.entries(RENAMED)) {
      const back = Object.entries(columns).map(([o, n]) => `${n} as ${o}`);
      const rest = (await sql<{ column_name: string }>(`select column_name from information_schema.columns where table_name = ? and table_schema = 'public'`, [table]))
        .map((c) => c.column_name)
        .filter((c) => !Object.values(columns).includes(c) && !(ADDED_LATER[table] ?? []).includes(c));
      after[old] = canonical(await sql(`select ${[...rest, ...back].join(', ')} from ${table} order by id`));
    }
    for (const table of Object.keys(before)) {
      expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
    }
    expect(before.message).toHaveLength(6);
    expect(before.message_reply).toHaveLength(24);
    expect(before.delivery).toHaveLength(30);

    // One conversation per message, with its id, company, client file, author and kind.
    const conversations = await sql<{ id: string; company_id: string; client_id: string; author_id: string; kind: string }>(
      'select c.id, c.company_id, c.client_id, c.author_id, c.kind from conversation c order by c.id',
    );
    const messages = await sql<{ id: string; company_id: string; client_id: string; author_id: string }>('select id, company_id, client_id, author_id from message order by id');
    expect(conversations).toEqual(messages.map((m) => ({ ...m, kind: 'message' })));

    // The foreign keys now point at the conversation: removing one takes its entries, history, states, copies and tag with it.
    const gone = id('message-a1');
    const counts = await orm.em.fork().transactional(async (em) => {
      await boundSql(em, 'delete from conversation where id = ?', [gone]);
      const left = await boundSql<{ n: number }>(
        em,
        `select (select count(*) from conversation_entry where conversation_id = ?)::int + (select count(*) from conversation_event where conversation_id = ?)::int
              + (select count(*) from conversation_state where conversation_id = ?)::int + (select count(*) from outbox_copy where conversation_id = ?)::int
              + (select count(*) from delivery where conversation_id = ?)::int + (select count(*) from thread_tag where conversation_id = ?)::int as n`,
        [gone, gone, gone, gone, gone, gone],
      );
      return left[0].n;
    });
    expect(counts).toBe(0);
    // An entry can only belong to a conversation that exists.
    await expect(sql(`insert into conversation_entry (id, created_at, updated_at, company_id, conversation_id, body) values (?, now(), now(), ?, ?, 'x')`, [randomUUID(), id('company-a'), randomUUID()])).rejects.toThrow(
      /conversation_entry_conversation_id_foreign/,
    );
  }, 60_000);
});
