import { Migration } from '@mikro-orm/migrations';

/**
 * One conversation core for every kind of thread (issue 16). A message's id becomes its
 * conversation's id: the `conversation` row takes what every kind shares (company, client file,
 * kind, last activity) and the tables that hung off `message` — entries (replies), history, per-account
 * state, outbox rows, deliveries, thread tags, inbound items, quarantine assignments — are renamed and
 * re-pointed at it. Done in place: no row is copied except one `conversation` row per message, so an
 * existing database upgrades without losing or renumbering anything.
 */
export class Migration20261205000000_conversations extends Migration {
  override up(): void {
    this.addSql(`create table "conversation" (
      "id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
      "company_id" uuid not null, "client_id" uuid not null, "author_id" uuid not null, "kind" text not null, "last_activity_at" timestamptz not null,
      primary key ("id"));`);
    this.addSql(`insert into "conversation" ("id", "created_at", "updated_at", "company_id", "client_id", "author_id", "kind", "last_activity_at")
      select "id", "created_at", "updated_at", "company_id", "client_id", "author_id", 'message', "last_activity_at" from "message";`);
    this.addSql(`alter table "conversation" add constraint "conversation_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "conversation" add constraint "conversation_client_id_foreign" foreign key ("client_id") references "client" ("id");`);
    this.addSql(`alter table "conversation" add constraint "conversation_author_id_foreign" foreign key ("author_id") references "app_user" ("id");`);
    this.addSql(`create index "conversation_author_id_index" on "conversation" ("author_id");`);
    this.addSql(`create index "conversation_company_client_index" on "conversation" ("company_id", "client_id", "id");`);
    this.addSql(`alter table "message" drop column "last_activity_at";`);

    // Entries (replies by staff, email, SMS), history, per-account read state.
    this.renameTable('message_reply', 'conversation_entry', 'message_id', [
      ['message_reply_pkey', 'conversation_entry_pkey'],
      ['message_reply_company_id_index', 'conversation_entry_company_id_index'],
      ['message_reply_message_id_index', 'conversation_entry_conversation_id_index'],
      ['message_reply_inbound_key_unique', 'conversation_entry_inbound_key_unique'],
    ], [
      ['message_reply_author_id_foreign', 'conversation_entry_author_id_foreign'],
      ['message_reply_company_id_foreign', 'conversation_entry_company_id_foreign'],
    ]);
    this.addSql(`alter type "reply_origin" rename to "entry_origin";`);
    this.renameTable('message_event', 'conversation_event', 'message_id', [
      ['message_event_pkey', 'conversation_event_pkey'],
      ['message_event_company_id_index', 'conversation_event_company_id_index'],
      ['message_event_message_id_index', 'conversation_event_conversation_id_index'],
    ], [['message_event_company_id_foreign', 'conversation_event_company_id_foreign']]);
    this.renameTable('message_user_state', 'conversation_state', 'message_id', [
      ['message_user_state_pkey', 'conversation_state_pkey'],
      ['message_user_state_company_id_index', 'conversation_state_company_id_index'],
      ['message_user_state_user_id_index', 'conversation_state_user_id_index'],
      ['message_user_state_unique', 'conversation_state_unique'],
      ['message_user_state_deleted_index', 'conversation_state_deleted_index'],
    ], [
      ['message_user_state_company_id_foreign', 'conversation_state_company_id_foreign'],
      ['message_user_state_user_id_foreign', 'conversation_state_user_id_foreign'],
    ]);

    // Outbox rows, deliveries and thread tags point at the conversation and the entry they copy.
    this.repoint('outbox_copy', 'message_id', 'conversation_id', 'conversation');
    this.repoint('outbox_copy', 'reply_id', 'entry_id', 'conversation_entry');
    this.repoint('delivery', 'message_id', 'conversation_id', 'conversation');
    this.repoint('delivery', 'reply_id', 'entry_id', 'conversation_entry');
    this.addSql(`alter index "delivery_message_id_index" rename to "delivery_conversation_id_index";`);
    this.repoint('thread_tag', 'message_id', 'conversation_id', 'conversation');
    this.addSql(`alter table "thread_tag" rename constraint "thread_tag_message_unique" to "thread_tag_conversation_unique";`);

    // Inbound items and quarantine assignments name the conversation and entry (no foreign keys, as before).
    this.addSql(`alter table "inbound_email" rename column "thread_message_id" to "conversation_id";`);
    this.addSql(`alter table "inbound_email" rename column "reply_id" to "entry_id";`);
    this.addSql(`alter table "inbound_sms" rename column "message_id" to "conversation_id";`);
    this.addSql(`alter table "inbound_sms" rename column "reply_id" to "entry_id";`);
    this.addSql(`alter table "quarantine_item" rename column "assigned_message_id" to "assigned_conversation_id";`);
    this.addSql(`alter table "quarantine_item" rename column "suggested_message_id" to "suggested_conversation_id";`);
  }

  override down(): void {
    this.addSql(`alter table "quarantine_item" rename column "assigned_conversation_id" to "assigned_message_id";`);
    this.addSql(`alter table "quarantine_item" rename column "suggested_conversation_id" to "suggested_message_id";`);
    this.addSql(`alter table "inbound_sms" rename column "conversation_id" to "message_id";`);
    this.addSql(`alter table "inbound_sms" rename column "entry_id" to "reply_id";`);
    this.addSql(`alter table "inbound_email" rename column "conversation_id" to "thread_message_id";`);
    this.addSql(`alter table "inbound_email" rename column "entry_id" to "reply_id";`);
    for (const [from, to] of [['conversation_entry', 'message_reply'], ['conversation_event', 'message_event'], ['conversation_state', 'message_user_state']]) {
      this.addSql(`alter table "${from}" rename to "${to}";`);
      this.addSql(`alter table "${to}" rename column "conversation_id" to "message_id";`);
      this.addSql(`alter table "${to}" drop constraint "${from}_conversation_id_foreign";`);
      this.addSql(`alter table "${to}" add constraint "${to}_message_id_foreign" foreign key ("message_id") references "message" ("id") on delete cascade;`);
    }
    this.addSql(`alter table "thread_tag" rename constraint "thread_tag_conversation_unique" to "thread_tag_message_unique";`);
    this.repoint('thread_tag', 'conversation_id', 'message_id', 'message');
    this.addSql(`alter index "delivery_conversation_id_index" rename to "delivery_message_id_index";`);
    this.repoint('delivery', 'entry_id', 'reply_id', 'message_reply');
    this.repoint('delivery', 'conversation_id', 'message_id', 'message');
    this.repoint('outbox_copy', 'entry_id', 'reply_id', 'message_reply');
    this.repoint('outbox_copy', 'conversation_id', 'message_id', 'message');
    this.addSql(`alter type "entry_origin" rename to "reply_origin";`);
    this.addSql(`alter table "message" add column "last_activity_at" timestamptz null;`);
    this.addSql(`update "message" m set "last_activity_at" = c."last_activity_at" from "conversation" c where c."id" = m."id";`);
    this.addSql(`alter table "message" alter column "last_activity_at" set not null;`);
    this.addSql(`drop table "conversation";`);
  }

  /** Renames a table hanging off `message`, its `message_id` column, indexes and constraints, and points it at `conversation`. */
  private renameTable(from: string, to: string, column: string, indexes: [string, string][], constraints: [string, string][]): void {
    this.addSql(`alter table "${from}" rename to "${to}";`);
    this.addSql(`alter table "${to}" rename column "${column}" to "conversation_id";`);
    for (const [a, b] of indexes) this.addSql(`alter index "${a}" rename to "${b}";`);
    for (const [a, b] of constraints) this.addSql(`alter table "${to}" rename constraint "${a}" to "${b}";`);
    this.addSql(`alter table "${to}" drop constraint "${from}_message_id_foreign";`);
    this.addSql(`alter table "${to}" add constraint "${to}_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on delete cascade;`);
  }

  /** Renames a reference column and its foreign key (named after the column), pointing it at `target`. */
  private repoint(table: string, from: string, to: string, target: string): void {
    this.addSql(`alter table "${table}" rename column "${from}" to "${to}";`);
    this.addSql(`alter table "${table}" drop constraint "${table}_${from}_foreign";`);
    this.addSql(`alter table "${table}" add constraint "${table}_${to}_foreign" foreign key ("${to}") references "${target}" ("id") on delete cascade;`);
  }
}
