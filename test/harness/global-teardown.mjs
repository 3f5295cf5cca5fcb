import '@swc-node/register/esm-register';

export default async function globalTeardown() {
  const { default: release } = await import('./release-services.ts');
  await release();
}
