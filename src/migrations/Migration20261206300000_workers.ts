import { Migration } from '@mikro-orm/migrations';

/**
 * Workers (intervenants): an account kind of its own, bound to no client file like collaborators but
 * without a role. The system account's unique index was written as "no role and no client file",
 * which a worker also is: it now says the kind, through a function declared immutable (an index
 * predicate takes no cast of an enum to text, which PostgreSQL calls stable, nor the literal
 * 'system', unusable in the transaction that added it to the enum on a fresh database). The check
 * compares the kind as text: a value added to an enum cannot be used as such in the transaction that
 * adds it. Companies made before this get their "Intervenant" template from the worker_templates
 * migration, in a transaction of its own.
 */
export class Migration20261206300000_workers extends Migration {
  override up(): void {
    this.addSql(`alter type "user_kind" add value if not exists 'worker';`);
    this.addSql(`alter table "app_user" drop constraint "app_user_client_matches_kind";`);
    this.addSql(`alter table "app_user" add constraint "app_user_client_matches_kind" check ((kind::text in ('collaborator', 'system', 'worker')) = (client_id is null));`);
    this.addSql(`drop index "app_user_one_system_account";`);
    this.addSql(`create function "user_kind_is_system"(k "user_kind") returns boolean language sql immutable as $$ select k::text = 'system' $$;`);
    this.addSql(`create unique index "app_user_one_system_account" on "app_user" ("company_id") where "user_kind_is_system"("kind");`);
  }

  override down(): void {
    this.addSql(`delete from "rights_template" where kind::text = 'worker';`);
    this.addSql(`delete from "app_user" where kind::text = 'worker';`);
    this.addSql(`drop index "app_user_one_system_account";`);
    this.addSql(`create unique index "app_user_one_system_account" on "app_user" ("company_id") where "role" is null and "client_id" is null;`);
    this.addSql(`drop function "user_kind_is_system"("user_kind");`);
    this.addSql(`alter table "app_user" drop constraint "app_user_client_matches_kind";`);
    this.addSql(`alter table "app_user" add constraint "app_user_client_matches_kind" check ((kind::text in ('collaborator', 'system')) = (client_id is null));`);
  }
}
