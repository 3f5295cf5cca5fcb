import { Migration } from '@mikro-orm/migrations';

/** The company's country, in which national phone numbers (06 12 34 56 78) are read; France until said. */
export class Migration20261204141000_company_country extends Migration {
  override up(): void {
    this.addSql(`alter table "company" add column "country" text not null default 'FR';`);
  }

  override down(): void {
    this.addSql(`alter table "company" drop column "country";`);
  }
}
