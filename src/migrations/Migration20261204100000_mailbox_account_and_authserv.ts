import { Migration } from '@mikro-orm/migrations';

/** The IMAP account a mailbox reads, as compared across companies: host and user in any case, INBOX in any case. */
const MAILBOX_ACCOUNT_KEY = `lower("host"), "port", lower("username"), (case when upper("folder") = 'INBOX' then 'INBOX' else "folder" end)`;

/**
 * One watcher per IMAP folder: two mailboxes reading the same account and folder (two companies
 * configuring the deployment's reply mailbox) raced on it, each moving away mail the other had
 * not read. A unique index over the active mailboxes makes a second one impossible; mailboxes
 * already duplicated are kept but the later ones deactivated, with a last error saying why (their
 * company re-activates one only once the account is free). Also the authserv-id whose
 * Authentication-Results a mailbox trusts (null: none, the From is not checked).
 */
export class Migration20261204100000_mailbox_account_and_authserv extends Migration {
  override up(): void {
    this.addSql(`alter table "mailbox" add column "trusted_authserv_id" text null;`);
    this.addSql(
      `update "mailbox" m set "active" = false, "updated_at" = now(),
              "last_error" = 'Deactivated: another mailbox of this deployment watches the same IMAP account and folder'
        where m."active" and exists (
          select 1 from "mailbox" o
           where o."active" and o."id" < m."id" and lower(o."host") = lower(m."host") and o."port" = m."port"
             and lower(o."username") = lower(m."username")
             and (case when upper(o."folder") = 'INBOX' then 'INBOX' else o."folder" end) = (case when upper(m."folder") = 'INBOX' then 'INBOX' else m."folder" end));`,
    );
    this.addSql(`create unique index "mailbox_account_unique" on "mailbox" (${MAILBOX_ACCOUNT_KEY}) where "active";`);
  }

  override down(): void {
    this.addSql(`drop index "mailbox_account_unique";`);
    this.addSql(`alter table "mailbox" drop column "trusted_authserv_id";`);
  }
}
