import { Module } from '@nestjs/common';
import { ImapFlowMailboxClient } from './imap/imapflow-mailbox.client.js';
import { MailboxClient } from './imap/mailbox.port.js';

/** Replies coming back: IMAP mailboxes now; SMS webhooks, classification and threading later. */
@Module({
  providers: [{ provide: MailboxClient, useClass: ImapFlowMailboxClient }],
  exports: [MailboxClient],
})
export class InboundModule {}
