// Jest loads global setup outside its module mapper, so the TypeScript harness is loaded through
// the same swc loader as `npm run migrate`.
import '@swc-node/register/esm-register';

export default async function globalSetup() {
  const { default: prepare } = await import('./prepare-services.ts');
  await prepare();
}
