import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The API's OpenAPI document, as /docs-json serves it (the console's client is generated from it). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Relais API')
      .setDescription(
        'Messages, tasks and replies for telephone-answering companies. Every /v1 call carries ' +
          '`Authorization: Bearer <token>` (integrations) or the console\'s `relais_session` cookie (people: ' +
          'POST /v1/session; a write made with the cookie also sends `X-CSRF-Token`); errors are JSON `{code, message, details?}`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth('relais_session')
      .build(),
  );
}

/** OpenAPI UI at /docs, the JSON document at /docs-json. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
