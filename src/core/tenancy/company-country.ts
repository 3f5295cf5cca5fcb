import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_COUNTRY } from '../phone/phone-number.js';
import { Company } from './company.entity.js';

/** The country national phone numbers of this company are read in. */
export async function companyCountry(em: EntityManager, companyId: string): Promise<string> {
  const company = await em.findOne(Company, { id: companyId }, { fields: ['country'] });
  return company?.country ?? DEFAULT_COUNTRY;
}
