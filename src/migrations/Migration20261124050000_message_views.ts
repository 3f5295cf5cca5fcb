import { Migration } from '@mikro-orm/migrations';

/**
 * The company's default message template (one at most per company); partial indexes for the urgent,
 * task follow-up and untransmitted-VAD views.
 */
export class Migration20261124050000_message_views extends Migration {
  override up(): void {
    this.addSql(`alter table "message_template" add column "is_default" boolean not null default false;`);
    this.addSql(`create unique index "message_template_default_unique" on "message_template" ("company_id") where "is_default";`);
    this.addSql(`create index "message_urgent_index" on "message" ("company_id", "id") where "urgent";`);
    this.addSql(`create index "message_todo_index" on "message" ("company_id", "id") where "task_state" = 'todo';`);
    this.addSql(`create index "message_vad_untransmitted_index" on "message" ("company_id", "id") where "vad" and "vad_transmitted_at" is null;`);
  }

  override down(): void {
    this.addSql(`drop index "message_vad_untransmitted_index";`);
    this.addSql(`drop index "message_todo_index";`);
    this.addSql(`drop index "message_urgent_index";`);
    this.addSql(`drop index "message_template_default_unique";`);
    this.addSql(`alter table "message_template" drop column "is_default";`);
  }
}
