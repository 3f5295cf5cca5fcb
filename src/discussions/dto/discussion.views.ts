import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'Discussion' })
export class DiscussionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) workerId!: string | null;
  @ApiProperty({ description: 'Who it is about: the client file’s name or the worker’s' }) subjectName!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'The first message' }) body!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Staff: the first message’s author (null on a portal, which names the team)' }) authorName!: string | null;
  @ApiProperty({ format: 'uuid' }) managerId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) linkedUserId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) linkedClientId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Staff: the linked account’s or client file’s name (null on a portal)' }) linkedName!: string | null;
  @ApiProperty({ description: 'Shown on the person’s portal' }) visible!: boolean;
  @ApiProperty({ description: 'NEW for the caller: not read since its latest message' }) isNew!: boolean;
  @ApiProperty() replyCount!: number;
  @ApiProperty({ type: String, format: 'date-time' }) lastActivityAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

@ApiSchema({ name: 'DiscussionReply' })
export class DiscussionReplyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) discussionId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) authorId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Staff: the author’s name (null on a portal, which names the team)' }) authorName!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty({ enum: ['app', 'email', 'sms'] }) origin!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The address a reply by email came from' }) senderAddress!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

@ApiSchema({ name: 'DiscussionCounts' })
export class DiscussionCountsView {
  @ApiProperty({ description: 'Discussions the caller may see' }) total!: number;
  @ApiProperty({ description: 'Of them, those NEW for the caller' }) new!: number;
}
