import { Migration } from '@mikro-orm/migrations';

/**
 * When Twilio confirmed that the account SID and auth token a number was registered with can read
 * that number (or Messaging Service). Numbers registered before ownership was checked keep null:
 * a company that proves it owns such a number takes it over.
 */
export class Migration20261204120000_sms_number_verified extends Migration {
  override up(): void {
    this.addSql(`alter table "sms_number" add column "verified_at" timestamptz null;`);
  }

  override down(): void {
    this.addSql(`alter table "sms_number" drop column "verified_at";`);
  }
}
