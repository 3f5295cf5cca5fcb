import { ApiProperty } from '@nestjs/swagger';
import type { Opt } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { User } from '../accounts/user.entity.js';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/** One account's choice about reply alerts; no row means the default: alerts on. */
@Entity({ tableName: 'reply_alert_setting' })
export class ReplyAlertSetting extends CompanyOwnedEntity {
  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', deleteRule: 'cascade', unique: 'reply_alert_setting_user_unique' })
  userId!: string;

  @ApiProperty({ description: 'Email me when a client replies to a thread I wrote (managers: to any thread)' })
  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = true;
}
