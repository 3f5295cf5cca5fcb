import { Migration } from '@mikro-orm/migrations';

/**
 * Deleting a mailbox no longer deletes the mail it received (quarantined mail waiting for triage
 * included): `mailbox_id` stays, as the SMS a removed number received keep theirs, but is no longer
 * a foreign key with `on delete cascade`.
 */
export class Migration20261207030000_inbound_email_outlives_mailbox extends Migration {
  override up(): void {
    this.addSql(`alter table "inbound_email" drop constraint "inbound_email_mailbox_id_foreign";`);
  }

  override down(): void {
    this.addSql(`delete from "inbound_email" e where not exists (select 1 from "mailbox" m where m."id" = e."mailbox_id");`);
    this.addSql(`alter table "inbound_email" add constraint "inbound_email_mailbox_id_foreign" foreign key ("mailbox_id") references "mailbox" ("id") on delete cascade;`);
  }
}
