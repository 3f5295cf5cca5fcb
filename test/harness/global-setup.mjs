// Jest loads global setup outside its module mapper, so the TypeScript harness is loaded through
// the same swc loader as `npm run migrate`.
import '@swc-node/register/esm-register';

export default async function globalSetup() {
  const { default: prepare } = await import('./prepare-services.ts');
  await prepare();
  // The browser specs open the built console: build it here once, not in each spec file (they run in parallel).
  const { ensureConsoleBuilt } = await import('./console-build.ts');
  ensureConsoleBuilt();
}
