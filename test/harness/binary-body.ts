import type { Response } from 'supertest';

/** A supertest parser that keeps the body as bytes, whatever its type: `.buffer(true).parse(binaryBody)`. */
export const binaryBody = (res: Response, done: (error: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};
