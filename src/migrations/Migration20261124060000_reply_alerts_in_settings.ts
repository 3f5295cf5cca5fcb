import { Migration } from '@mikro-orm/migrations';

/**
 * Reply alerts become an account setting like the others: a company default (on) that each account
 * may override. The choices made in `reply_alert_setting` move to `user_settings`.
 */
export class Migration20261124060000_reply_alerts_in_settings extends Migration {
  override up(): void {
    this.addSql(`alter table "company_settings" add column "reply_alerts" boolean not null default true;`);
    this.addSql(`alter table "user_settings" add column "reply_alerts" boolean null;`);
    this.addSql(
      `insert into "user_settings" ("user_id", "reply_alerts", "updated_at") select "user_id", "enabled", "updated_at" from "reply_alert_setting"
       on conflict ("user_id") do update set "reply_alerts" = excluded."reply_alerts";`,
    );
    this.addSql(`drop table "reply_alert_setting";`);
  }

  override down(): void {
    this.addSql(
      `create table "reply_alert_setting" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "user_id" uuid not null, "enabled" boolean not null default true, primary key ("id"));`,
    );
    this.addSql(`create index "reply_alert_setting_company_id_index" on "reply_alert_setting" ("company_id");`);
    this.addSql(`alter table "reply_alert_setting" add constraint "reply_alert_setting_user_unique" unique ("user_id");`);
    this.addSql(`alter table "reply_alert_setting" add constraint "reply_alert_setting_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "reply_alert_setting" add constraint "reply_alert_setting_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(
      `insert into "reply_alert_setting" ("id", "created_at", "updated_at", "company_id", "user_id", "enabled")
       select gen_random_uuid(), now(), s."updated_at", u."company_id", s."user_id", s."reply_alerts" from "user_settings" s join "app_user" u on u."id" = s."user_id" where s."reply_alerts" is not null;`,
    );
    this.addSql(`alter table "user_settings" drop column "reply_alerts";`);
    this.addSql(`alter table "company_settings" drop column "reply_alerts";`);
  }
}
