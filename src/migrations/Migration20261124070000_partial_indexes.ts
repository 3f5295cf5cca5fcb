import { Migration } from '@mikro-orm/migrations';

/**
 * Fewer index writes per row where most rows would only add a null or a row nothing looks up:
 * - delivery: reply tokens and provider ids are unique where set (alerts, SMS and fax copies have no
 *   reply token; email copies no provider id); only SMS rows are indexed by address.
 * - inbound_email: the pending-move index holds only mail still in the folder, keyed by UID; with
 *   room left on each page (fillfactor 70), writing a mail's outcome, which touches no indexed
 *   column, is a heap-only update instead of a new entry in every index.
 */
export class Migration20261124070000_partial_indexes extends Migration {
  override up(): void {
    this.addSql(`alter table "delivery" drop constraint "delivery_reply_token_unique";`);
    this.addSql(`create unique index "delivery_reply_token_unique" on "delivery" ("reply_token") where "reply_token" is not null;`);
    this.addSql(`alter table "delivery" drop constraint "delivery_provider_message_id_unique";`);
    this.addSql(`create unique index "delivery_provider_message_id_unique" on "delivery" ("provider_message_id") where "provider_message_id" is not null;`);
    this.addSql(`drop index "delivery_sms_address_index";`);
    this.addSql(`create index "delivery_sms_address_index" on "delivery" ("address", "created_at") where "channel" = 'sms';`);
    this.addSql(`drop index "inbound_email_mailbox_pending_move_index";`);
    this.addSql(
      `create index "inbound_email_mailbox_pending_move_index" on "inbound_email" ("mailbox_id", "uid_validity", "uid") where "moved_at" is null;`,
    );
    this.addSql(`alter table "inbound_email" set (fillfactor = 70);`);
  }

  override down(): void {
    this.addSql(`alter table "inbound_email" reset (fillfactor);`);
    this.addSql(`drop index "inbound_email_mailbox_pending_move_index";`);
    this.addSql(`create index "inbound_email_mailbox_pending_move_index" on "inbound_email" ("mailbox_id", "moved_at", "status");`);
    this.addSql(`drop index "delivery_sms_address_index";`);
    this.addSql(`create index "delivery_sms_address_index" on "delivery" ("channel", "address", "created_at");`);
    this.addSql(`drop index "delivery_provider_message_id_unique";`);
    this.addSql(`alter table "delivery" add constraint "delivery_provider_message_id_unique" unique ("provider_message_id");`);
    this.addSql(`drop index "delivery_reply_token_unique";`);
    this.addSql(`alter table "delivery" add constraint "delivery_reply_token_unique" unique ("reply_token");`);
  }
}
