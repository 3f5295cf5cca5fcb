import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { AnyAccount, type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { ReplyAlerts } from './reply-alerts.service.js';

export class ReplyAlertSettingDto {
  @ApiProperty({ description: 'Email me when a client replies to a thread I wrote (managers: to any thread)' }) @IsBoolean() enabled!: boolean;
}

/** The caller's own setting for reply alerts (on unless turned off). */
@ApiTags('outbound')
@ApiBearerAuth()
@Controller('v1/reply-alerts/settings')
export class ReplyAlertsController {
  constructor(private readonly alerts: ReplyAlerts) {}

  @Get()
  @ApiOkResponse({ type: ReplyAlertSettingDto })
  @AnyAccount()
  get(@CurrentAuth() auth: AuthContext): Promise<ReplyAlertSettingDto> {
    return this.alerts.setting(auth);
  }

  @Put()
  @ApiOkResponse({ type: ReplyAlertSettingDto })
  @AnyAccount()
  set(@CurrentAuth() auth: AuthContext, @Body() input: ReplyAlertSettingDto): Promise<ReplyAlertSettingDto> {
    return this.alerts.setSetting(auth, input.enabled);
  }
}
