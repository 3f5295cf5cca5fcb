import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../../core/http/views.js';

@ApiSchema({ name: 'RoutingRule' })
export class RoutingRuleView extends CompanyOwnedView {
  @ApiProperty() name!: string;
  /** Evaluation order, from 1: the first rule whose conditions hold takes the item. */
  @ApiProperty() position!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) conditions!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) action!: Record<string, unknown>;
}

class RuleMissFailure {
  @ApiProperty({ description: 'The condition that failed (or "action": the rule cannot act on this item; "enabled": it is off)' }) condition!: string;
  @ApiProperty() reason!: string;
}

class RuleMissView {
  @ApiProperty({ format: 'uuid' }) ruleId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ type: RuleMissFailure }) failed!: RuleMissFailure;
}

class DryRunMatchView {
  @ApiProperty({ format: 'uuid' }) ruleId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) action!: Record<string, unknown>;
}

class DryRunItemView {
  @ApiProperty({ enum: ['email', 'sms'] }) channel!: 'email' | 'sms';
  @ApiProperty() sender!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ enum: ['reply', 'new', 'automatic'] }) classification!: string;
  @ApiProperty() attachments!: number;
  @ApiProperty({ type: [String], description: 'The client files the sender is a contact of' }) senderClientIds!: string[];
}

@ApiSchema({ name: 'RoutingDryRun' })
export class DryRunView {
  @ApiProperty({ type: DryRunItemView }) item!: DryRunItemView;
  @ApiProperty({ type: DryRunMatchView, nullable: true }) matched!: DryRunMatchView | null;
  @ApiProperty({ description: 'What would happen, in words' }) outcome!: string;
  @ApiProperty({ type: [RuleMissView], description: 'Each rule before the match (every rule when none matches), with the first condition that failed' }) misses!: RuleMissView[];
}
