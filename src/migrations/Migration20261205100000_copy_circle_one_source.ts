import { Migration } from '@mikro-orm/migrations';

/**
 * One source for the copy circle: the structure flagged `is_copy_circle`, one per company (now an
 * index, not a promise). `company_settings.copy_circle_structure_id` said the same a second time and
 * was never read; the settings view now asks structures for it.
 */
export class Migration20261205100000_copy_circle_one_source extends Migration {
  override up(): void {
    // Should a company hold two flagged structures, the one its settings named stays the circle (else the first).
    this.addSql(`update "structure" s set "is_copy_circle" = false
                  where s."is_copy_circle" and s."id" <> coalesce(
                    (select k."id" from "company_settings" cs join "structure" k on k."id" = cs."copy_circle_structure_id" and k."is_copy_circle"
                      where cs."company_id" = s."company_id"),
                    (select o."id" from "structure" o where o."company_id" = s."company_id" and o."is_copy_circle" order by o."id" limit 1));`);
    this.addSql(`create unique index "structure_one_copy_circle" on "structure" ("company_id") where "is_copy_circle";`);
    this.addSql(`alter table "company_settings" drop constraint "company_settings_copy_circle_structure_id_foreign";`);
    this.addSql(`alter table "company_settings" drop column "copy_circle_structure_id";`);
  }

  override down(): void {
    this.addSql(`alter table "company_settings" add column "copy_circle_structure_id" uuid null;`);
    this.addSql(`alter table "company_settings" add constraint "company_settings_copy_circle_structure_id_foreign" foreign key ("copy_circle_structure_id") references "structure" ("id") on delete set null;`);
    this.addSql(`update "company_settings" cs set "copy_circle_structure_id" = s."id" from "structure" s where s."company_id" = cs."company_id" and s."is_copy_circle";`);
    this.addSql(`drop index "structure_one_copy_circle";`);
  }
}
