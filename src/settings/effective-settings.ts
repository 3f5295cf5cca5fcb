/**
 * The one rule for account defaults: an account's own setting where it has one, else its company's.
 * `effectiveSettings` applies it to loaded rows (the settings view, compose); `effectiveSettingSql`
 * is the same rule inside another domain's statement (reply alerts, choosing recipients by the
 * thousand), so nobody else reads `user_settings` and `company_settings` and re-states it.
 */

/** The settings an account may override; a null override means "the company's". */
export interface OverridableSettings<Channel extends string = string> {
  defaultChannels: Channel[];
  defaultMessageTemplateId: string | null;
  messageInfo: string | null;
  replyAlerts: boolean;
  discussionAlerts: boolean;
}

export type Overrides<Channel extends string = string> = { [K in keyof OverridableSettings<Channel>]: OverridableSettings<Channel>[K] | null };

export function effectiveSettings<Channel extends string>(own: Overrides<Channel>, company: OverridableSettings<Channel>): OverridableSettings<Channel> {
  return {
    defaultChannels: own.defaultChannels ?? company.defaultChannels,
    defaultMessageTemplateId: own.defaultMessageTemplateId ?? company.defaultMessageTemplateId,
    messageInfo: own.messageInfo ?? company.messageInfo,
    replyAlerts: own.replyAlerts ?? company.replyAlerts,
    discussionAlerts: own.discussionAlerts ?? company.discussionAlerts,
  };
}

/** The settings `effectiveSettingSql` can read, by column. */
const COLUMNS = { replyAlerts: 'reply_alerts', discussionAlerts: 'discussion_alerts' } as const satisfies Partial<Record<keyof OverridableSettings, string>>;

/** The column's default when neither the account nor its company has a row (a company made before settings existed). */
const DEFAULTS = { replyAlerts: 'true', discussionAlerts: 'true' } as const;

/**
 * The effective value of `setting` for the account `userColumn` of the company `companyColumn`, as a
 * SQL expression of the caller's statement (both are column references there, e.g. `u.id`, `m.company_id`).
 */
export function effectiveSettingSql(setting: keyof typeof COLUMNS, userColumn: string, companyColumn: string): string {
  const column = COLUMNS[setting];
  return `coalesce((select us.${column} from user_settings us where us.user_id = ${userColumn}),
                   (select cs.${column} from company_settings cs where cs.company_id = ${companyColumn}), ${DEFAULTS[setting]})`;
}
