import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI UI at /docs, the JSON document at /docs-json. */
export function mountOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Relais API')
      .setDescription(
        'Messages, tasks and replies for telephone-answering companies. Every /v1 call carries ' +
          '`Authorization: Bearer <token>`; errors are JSON `{code, message, details?}`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
