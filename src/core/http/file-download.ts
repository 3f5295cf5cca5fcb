import type { Readable } from 'node:stream';
import { applyDecorators, Param, ParseIntPipe, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiProduces, ApiResponse } from '@nestjs/swagger';
import { DomainError } from '../errors/domain-error.js';

/** A file a route sends as a download: the name and type it came with, its bytes. */
export interface DownloadFile {
  name: string;
  contentType: string;
  content: Readable | Buffer;
  size: number;
}

/** A MIME type as a sender may write it: anything else is served as bytes. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/**
 * `attachment` with the name as RFC 6266 wants it: an ASCII fallback and the UTF-8 name, without
 * path separators or control characters (the name came from a stranger's mail).
 */
export function attachmentDisposition(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f/\\]+/g, '_').trim() || 'file';
  const ascii = clean.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["%;]/g, '_') || 'file';
  const encoded = encodeURIComponent(clean).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The file as a download the browser never renders in our origin: `attachment` with a safe name,
 * nosniff, and its declared type only when it is a well-formed MIME type.
 */
export function downloadOf(file: DownloadFile, res: Response): StreamableFile {
  res.setHeader('Content-Disposition', attachmentDisposition(file.name));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const options = { type: MIME_TYPE.test(file.contentType) ? file.contentType : 'application/octet-stream', length: file.size };
  // StreamableFile has one constructor for bytes and one for a stream, none for either: hence two calls.
  return Buffer.isBuffer(file.content) ? new StreamableFile(file.content, options) : new StreamableFile(file.content, options);
}

/** A file's position in a list (0 for the first): anything but an integer is 400 `invalid_id`. */
export const IndexParam = (name = 'index'): ParameterDecorator =>
  Param(name, new ParseIntPipe({ exceptionFactory: () => new DomainError('invalid_id', `The ${name} in the path is not a number (0 for the first file)`) }));

/** Documents a download route: the bytes with the type the file came with, and when it is a 404. */
export function ApiFileDownload(notFound: string): MethodDecorator {
  return applyDecorators(
    ApiProduces('application/octet-stream'),
    ApiOkResponse({ description: 'The file, as an attachment, with the type it came with', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }),
    ApiResponse({ status: 404, description: notFound }),
  );
}
