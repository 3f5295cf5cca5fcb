import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';
import { EXCHANGE_DIRECTIONS, EXCHANGE_ORIGINS, EXCHANGE_STATUSES, INTERVENTION_STATUSES } from '../intervention.entity.js';

@ApiSchema({ name: 'InterventionSummary' })
export class InterventionSummaryView {
  @ApiProperty({ description: 'Exchanges recorded (drafts and deleted ones not counted)' }) exchangeCount!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The latest exchange’s detail, cut at a word boundary (140 characters at most)' }) latestPreview!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) latestExchangeAt!: Date | null;
  @ApiProperty({ description: 'At least one exchange is a reminder (relance): the red badge' }) reminder!: boolean;
}

@ApiSchema({ name: 'Intervention' })
export class InterventionView extends CompanyOwnedView {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) contactId!: string | null;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: INTERVENTION_STATUSES }) status!: string;
  @ApiProperty({ type: String, format: 'date-time' }) requestedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) plannedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) doneAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reportedAt!: Date | null;
  @ApiProperty({ type: InterventionSummaryView }) summary!: InterventionSummaryView;
}

@ApiSchema({ name: 'ExchangeCopy' })
export class ExchangeCopyView {
  @ApiProperty({ enum: ['email', 'sms', 'fax'] }) channel!: string;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ description: 'pending, sending, sent, delivered, failed or skipped' }) status!: string;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
}

@ApiSchema({ name: 'Exchange' })
export class ExchangeView extends CompanyOwnedView {
  @ApiProperty({ format: 'uuid' }) interventionId!: string;
  @ApiProperty({ enum: EXCHANGE_DIRECTIONS }) direction!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'The type as the company words it' }) typeLabel!: string;
  @ApiProperty() reminder!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Transmitted: the collaborator; received: the contact (null when unknown)' }) sentById!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Transmitted: the contact; received: the collaborator' }) receivedById!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who wrote it down (null: it came by email or SMS)' }) authorId!: string | null;
  @ApiProperty({ type: String, nullable: true }) recipientEmail!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The email or number a received exchange came from' }) senderAddress!: string | null;
  @ApiProperty({ type: String, nullable: true }) subject!: string | null;
  @ApiProperty() detail!: string;
  @ApiProperty({ type: String, format: 'date-time' }) happenedAt!: Date;
  @ApiProperty({ enum: EXCHANGE_STATUSES }) status!: string;
  @ApiProperty({ enum: EXCHANGE_ORIGINS }) origin!: string;
  @ApiProperty({ type: String, nullable: true, enum: ['email', 'sms'] }) sentChannel!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'Where its copy stands (pending … delivered, failed, skipped); null when never sent' }) deliveryStatus!: string | null;
  @ApiProperty({ type: [ExchangeCopyView] }) copies!: ExchangeCopyView[];
}

@ApiSchema({ name: 'ExchangeType' })
export class ExchangeTypeView {
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty() reminder!: boolean;
  @ApiProperty() builtin!: boolean;
}
