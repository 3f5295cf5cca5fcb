import type { INestApplicationContext } from '@nestjs/common';
import type TestAgent from 'supertest/lib/agent.js';
import { aCompany } from './accounts.factory.js';

/** Ids of one company's administration: one of each thing the /v1 routes act on. */
export interface CompanyWorld {
  companyId: string;
  managerId: string;
  manager: string;
  operatorId: string;
  operator: string;
  clientAccountId: string;
  clientAccount: string;
  /** A worker (intervenant) of the company, bound to no client file. */
  workerId: string;
  worker: string;
  clientId: string;
  otherClientId: string;
  contactId: string;
  instructionId: string;
  templates: Record<'Manager' | 'Supervisor' | 'Operator' | 'Client' | 'Secretary' | 'Intervenant', string>;
  customTemplateId: string;
  structureId: string;
  copyCircleId: string;
  snippetId: string;
  tokenId: string;
  messageId: string;
  messageTemplateId: string;
}

async function body<T>(request: Promise<{ status: number; body: T; text: string }>, expected = 201): Promise<T> {
  const response = await request;
  if (response.status !== expected) throw new Error(`fixture request answered ${response.status}: ${response.text}`);
  return response.body;
}

/** A company built through the API, as an administrator would. */
export async function aCompanyWorld(app: INestApplicationContext, http: TestAgent, name = 'Permanence Test'): Promise<CompanyWorld> {
  const company = await aCompany(app, name);
  const manager = `Bearer ${company.token}`;
  const as = (method: 'get' | 'post', path: string) => http[method](path).set('Authorization', manager);
  const templates = Object.fromEntries(
    (await body<{ id: string; name: string }[]>(as('get', '/v1/rights-templates'), 200)).map((t) => [t.name, t.id]),
  ) as CompanyWorld['templates'];
  const client = await body<{ id: string }>(as('post', '/v1/clients').send({ name: 'Cabinet Médical Durand', email: 'contact@durand.test' }));
  const other = await body<{ id: string }>(as('post', '/v1/clients').send({ name: 'Plomberie Leroy' }));
  const contact = await body<{ id: string }>(
    as('post', `/v1/clients/${client.id}/contacts`).send({ name: 'Mme Petit', phone: '+33612345678', city: 'Lyon' }),
  );
  const instruction = await body<{ id: string }>(
    as('post', `/v1/clients/${client.id}/instructions`).send({ text: 'Ne jamais appeler avant 9 h', visibility: ['message', 'call'] }),
  );
  const unique = Math.random().toString(36).slice(2, 8);
  const operator = await body<{ id: string }>(
    as('post', '/v1/users').send({ rightsTemplateId: templates.Operator, firstName: 'Olivier', lastName: 'Opé', email: `op.${unique}@example.test` }),
  );
  const operatorToken = await body<{ id: string; token: string }>(as('post', `/v1/users/${operator.id}/tokens`).send({ name: 'poste 1' }));
  const clientAccount = await body<{ id: string }>(
    as('post', '/v1/users').send({
      rightsTemplateId: templates.Client,
      clientId: client.id,
      firstName: 'Dr',
      lastName: 'Durand',
      email: `durand.${unique}@example.test`,
    }),
  );
  const clientToken = await body<{ token: string }>(as('post', `/v1/users/${clientAccount.id}/tokens`).send({ name: 'portail' }));
  const worker = await body<{ id: string }>(
    as('post', '/v1/users').send({ rightsTemplateId: templates.Intervenant, firstName: 'Ivan', lastName: 'Intervenant', email: `ivan.${unique}@example.test` }),
  );
  const workerToken = await body<{ token: string }>(as('post', `/v1/users/${worker.id}/tokens`).send({ name: 'portail' }));
  const custom = await body<{ id: string }>(
    as('post', '/v1/rights-templates').send({ name: 'Night operator', kind: 'collaborator', role: 'operator', permissions: ['messages.read'] }),
  );
  const structure = await body<{ id: string }>(as('post', '/v1/structures').send({ name: 'Équipe de nuit' }));
  const structures = await body<{ id: string; isCopyCircle: boolean }[]>(as('get', '/v1/structures'), 200);
  const snippet = await body<{ id: string }>(as('post', '/v1/snippets').send({ title: 'Rappel', text: 'Merci de rappeler le patient.' }));
  const messageTemplate = await body<{ id: string }>(
    as('post', '/v1/message-templates').send({ name: 'Rappel', subject: 'Merci de rappeler', body: 'Merci de rappeler votre patient.' }),
  );
  const message = await body<{ id: string }>(
    as('post', `/v1/clients/${client.id}/messages`).send({ subject: 'Appel de Mme Petit', body: 'Elle rappellera demain.', contactId: contact.id }),
  );
  return {
    companyId: company.companyId,
    managerId: company.userId,
    manager,
    operatorId: operator.id,
    operator: `Bearer ${operatorToken.token}`,
    clientAccountId: clientAccount.id,
    clientAccount: `Bearer ${clientToken.token}`,
    workerId: worker.id,
    worker: `Bearer ${workerToken.token}`,
    clientId: client.id,
    otherClientId: other.id,
    contactId: contact.id,
    instructionId: instruction.id,
    templates,
    customTemplateId: custom.id,
    structureId: structure.id,
    copyCircleId: structures.find((s) => s.isCopyCircle)!.id,
    snippetId: snippet.id,
    tokenId: operatorToken.id,
    messageId: message.id,
    messageTemplateId: messageTemplate.id,
  };
}
