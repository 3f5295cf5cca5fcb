import { Migration } from '@mikro-orm/migrations';

/**
 * At most one open (pending or accepted) subcontracting link per pair of companies, whichever side
 * asked. Pairs that already have several (two requests that crossed before this index) keep their
 * oldest open link; the others are ended first, or the index could not be built.
 */
export class Migration20261124040000_subcontracting_open_pair extends Migration {
  override up(): void {
    this.addSql(`update "subcontracting_link" as "l" set "status" = 'ended', "ended_at" = now() where "l"."status" <> 'ended' and exists (select 1 from "subcontracting_link" as "o" where "o"."status" <> 'ended' and least("o"."company_id", "o"."partner_company_id") = least("l"."company_id", "l"."partner_company_id") and greatest("o"."company_id", "o"."partner_company_id") = greatest("l"."company_id", "l"."partner_company_id") and "o"."id" < "l"."id");`);
    this.addSql(`create unique index "subcontracting_link_open_pair_unique" on "subcontracting_link" (least("company_id", "partner_company_id"), greatest("company_id", "partner_company_id")) where "status" <> 'ended';`);
  }

  override down(): void {
    this.addSql(`drop index "subcontracting_link_open_pair_unique";`);
  }
}
