import { Migration } from '@mikro-orm/migrations';

/**
 * Each company may have one system account (kind `system`): the author of what Relais opens by itself
 * for someone without an account, in place of the company's first manager. It has no client file, no
 * role, no permission, and never signs in. The check compares the kind as text: a value added to an
 * enum cannot be used as such in the transaction that adds it.
 */
export class Migration20261206100000_system_accounts extends Migration {
  override up(): void {
    this.addSql(`alter type "user_kind" add value if not exists 'system';`);
    this.addSql(`alter table "app_user" drop constraint "app_user_client_matches_kind";`);
    this.addSql(`alter table "app_user" add constraint "app_user_client_matches_kind" check ((kind::text in ('collaborator', 'system')) = (client_id is null));`);
    this.addSql(`create unique index "app_user_one_system_account" on "app_user" ("company_id") where "role" is null and "client_id" is null;`);
  }

  override down(): void {
    this.addSql(`delete from "app_user" where kind::text = 'system';`);
    this.addSql(`drop index "app_user_one_system_account";`);
    this.addSql(`alter table "app_user" drop constraint "app_user_client_matches_kind";`);
    this.addSql(`alter table "app_user" add constraint "app_user_client_matches_kind" check ((kind = 'collaborator') = (client_id is null));`);
  }
}
