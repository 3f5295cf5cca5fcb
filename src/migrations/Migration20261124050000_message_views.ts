import { Migration } from '@mikro-orm/migrations';

/** The company's default message template (one at most per company). */
export class Migration20261124050000_message_views extends Migration {
  override up(): void {
    this.addSql(`alter table "message_template" add column "is_default" boolean not null default false;`);
    this.addSql(`create unique index "message_template_default_unique" on "message_template" ("company_id") where "is_default";`);
  }

  override down(): void {
    this.addSql(`drop index "message_template_default_unique";`);
    this.addSql(`alter table "message_template" drop column "is_default";`);
  }
}
