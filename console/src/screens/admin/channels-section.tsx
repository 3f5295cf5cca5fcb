import { Mailboxes, NewMailbox } from './mailboxes';
import { EmailSender, Fax } from './senders';
import { SmsNumbers } from './sms-numbers';

/** Mailboxes read for replies (with a connection test), SMS numbers, the email sender, the fax gateway. */
export default function ChannelsSection() {
  return (
    <>
      <Mailboxes />
      <NewMailbox />
      <SmsNumbers />
      <EmailSender />
      <Fax />
    </>
  );
}
