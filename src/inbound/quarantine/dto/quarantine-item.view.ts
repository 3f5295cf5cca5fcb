import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../../core/http/views.js';
import { QUARANTINE_STATUSES, type QuarantineStatus } from '../quarantine-item.entity.js';

@ApiSchema({ name: 'QuarantineItem' })
export class QuarantineItemView extends CompanyOwnedView {
  @ApiProperty({ enum: ['email', 'sms'] }) channel!: 'email' | 'sms';
  /** The id of the stored inbound record (inbound email row id, inbound SMS row id). */
  @ApiProperty({ format: 'uuid' }) sourceId!: string;
  /** Machine-readable: no_thread, sender_mismatch, unparsable, unknown_number… */
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
  @ApiProperty({ type: String, nullable: true }) sender!: string | null;
  @ApiProperty({ type: String, nullable: true }) subject!: string | null;
  @ApiProperty({ type: String, nullable: true }) preview!: string | null;
  /** The thread the matcher proposes (e.g. the one the token named, for a sender mismatch). */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) suggestedMessageId!: string | null;
  @ApiProperty({ enum: QUARANTINE_STATUSES }) status!: QuarantineStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) resolvedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assignedMessageId!: string | null;
  @ApiProperty({ type: String, nullable: true }) discardReason!: string | null;
  // Added after the contract was fixed: documented as optional, so no client written against it breaks.
  /** The label the routing rule that sent it here gave it. */
  @ApiProperty({ type: String, nullable: true, required: false }) label!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, required: false }) ruleId!: string | null;
  /** The mailbox (id) or SMS number (E.164) it came in. */
  @ApiProperty({ type: String, nullable: true, required: false }) receivedBy!: string | null;
}

class BulkResultView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ enum: QUARANTINE_STATUSES, required: false }) status?: QuarantineStatus;
  @ApiProperty({ required: false, description: 'On a rerun: routed, dropped, labelled or unmatched' }) outcome?: string;
  @ApiProperty({ required: false, description: 'Why this item was refused (the error code one request for it would answer)' }) code?: string;
  @ApiProperty({ required: false }) message?: string;
}

@ApiSchema({ name: 'QuarantineBulkResult' })
export class BulkResultsView {
  @ApiProperty({ type: [BulkResultView], description: 'One per id, in the order given: each item decided alone' }) results!: BulkResultView[];
}

@ApiSchema({ name: 'QuarantineRerun' })
export class RerunView {
  @ApiProperty({ type: QuarantineItemView }) item!: QuarantineItemView;
  @ApiProperty({ description: 'routed, dropped, labelled or unmatched' }) outcome!: string;
}

class QuarantineAttachmentView {
  @ApiProperty({ type: String, nullable: true }) filename!: string | null;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Bytes' }) size!: number | null;
  @ApiProperty({ description: 'GET /v1/quarantine/{id}/attachments/{index} sends it (a mail’s file; never an MMS’s media, kept at the provider)' }) downloadable!: boolean;
}

@ApiSchema({ name: 'QuarantineContent' })
export class QuarantineContentView {
  @ApiProperty({ description: 'The full text: a mail’s plain text (its HTML made text when it has none), an SMS’s body' }) text!: string;
  @ApiProperty({ description: 'The mail had an HTML part' }) html!: boolean;
  @ApiProperty({ type: [QuarantineAttachmentView] }) attachments!: QuarantineAttachmentView[];
  @ApiProperty({ description: 'The retention purge emptied the stored content: the text is the item’s preview' }) purged!: boolean;
}
