import { Controller, Get, Res, type StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AnyAccount, type AuthContext, CurrentAuth } from '../../core/auth/auth-context.js';
import { ApiFileDownload, downloadOf, IndexParam } from '../../core/http/file-download.js';
import { IdParam } from '../../core/http/params.js';
import { AttachmentDownloads } from './attachment-downloads.js';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('v1/entries')
export class AttachmentsController {
  constructor(private readonly downloads: AttachmentDownloads) {}

  /** A file received with an email reply (its position in the entry's `attachments`), for whoever may see the thread. */
  @Get(':entryId/attachments/:index')
  @ApiFileDownload('No such entry or file for the caller, or the file was not kept (too large, an MMS link) or is gone')
  @AnyAccount()
  async download(
    @CurrentAuth() auth: AuthContext,
    @IdParam('entryId') entryId: string,
    @IndexParam() index: number,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return downloadOf(await this.downloads.open(auth, entryId, index), res);
  }
}
