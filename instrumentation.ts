export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startupOrExit } = await import('./lib/ops/startup');
  await startupOrExit();
}
