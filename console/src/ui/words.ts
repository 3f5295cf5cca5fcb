/** The channels a copy of a post goes out on. */
export type Channel = 'email' | 'sms' | 'fax';
export const CHANNELS: Channel[] = ['email', 'sms', 'fax'];

/** French labels of the API's values. */
export const CHANNEL_LABEL: Record<string, string> = { email: 'E-mail', sms: 'SMS', fax: 'Fax', app: 'Console', portal: 'Portail' };

/** The kinds of account. */
export const KIND_LABEL: Record<string, string> = { collaborator: 'Collaborateur', client: 'Client', secretary: 'Secrétariat', worker: 'Intervenant' };

/** Where an entry came from, as the thread shows it. */
export function entryChannel(origin: string, automatic: boolean, hasAuthor: boolean): string {
  if (automatic) return 'Automatique';
  if (origin === 'app') return hasAuthor ? 'Équipe' : 'Automatique';
  return CHANNEL_LABEL[origin] ?? origin;
}
