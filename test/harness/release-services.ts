import { baseConfig, stopDovecot, withAdminClient } from './services.js';

/** Drops this run's databases and stops the Dovecot the setup started, if it started one. */
export default async function releaseServices(): Promise<void> {
  const run = process.env.RELAIS_TEST_RUN;
  if (run) {
    await withAdminClient(baseConfig(), async (client) => {
      const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [
        `${run}\\_%`,
      ]);
      for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
    });
  }
  const dovecot = process.env.RELAIS_TEST_DOVECOT_DIR;
  if (dovecot) await stopDovecot(dovecot);
}
