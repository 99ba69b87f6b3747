import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);
export const E2E_ROOT = { username: 'admin', password: 'e2e-admin-password' };

// The identity provider for single sign-on (e2e/sso.spec.ts): oidc-provider (tests/support/idp.mjs) on a free
// loopback port, started as a web server before the console. The port is picked once here and passed on in the
// environment, so the workers (which load this file again) see the same one.
process.env.E2E_IDP_PORT ??= execFileSync(process.execPath, [
  '-e',
  "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
]).toString();
const idpPort = Number(process.env.E2E_IDP_PORT);
const consoleOrigin = `http://127.0.0.1:${port}`;
export const E2E_IDP = {
  issuer: `http://127.0.0.1:${idpPort}`,
  name: 'Test IdP',
  audience: 'https://pangolin.e2e/api',
};

// The server under test: the production build, on a fresh PostgreSQL database (E2E_DATABASE_URL, made by
// scripts/test.sh) or on a fresh embedded PGlite directory.
const serverEnv: Record<string, string> = {
  NEXT_TELEMETRY_DISABLED: '1',
  PANGOLIN_ROOT_USER: E2E_ROOT.username,
  PANGOLIN_ROOT_PASSWORD: E2E_ROOT.password,
  PANGOLIN_LOG_LEVEL: 'warn',
  PANGOLIN_URL: consoleOrigin,
  PANGOLIN_OIDC_ISSUER: E2E_IDP.issuer,
  PANGOLIN_OIDC_CLIENT_ID: 'pangolin-console',
  PANGOLIN_OIDC_CLIENT_SECRET: 'pangolin-console-secret-for-tests',
  PANGOLIN_OIDC_NAME: E2E_IDP.name,
  PANGOLIN_OIDC_AUDIENCE: E2E_IDP.audience,
  // Links in mails point at the server under test; the SMTP server e2e/mail.spec.ts starts listens on loopback,
  // which the egress policy refuses unless allowed (as a deployment allows its private relay).
  PANGOLIN_EGRESS_ALLOW: '127.0.0.1',
  PANGOLIN_DELIVERY_RETRY_SECS: '1',
  ...(process.env.E2E_DATABASE_URL
    ? { DATABASE_URL: process.env.E2E_DATABASE_URL }
    : { PANGOLIN_DATA_DIR: path.join(os.tmpdir(), `pangolin-e2e-${process.pid}-${Date.now()}`) }),
};

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PANGOLIN_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: `node tests/support/idp.mjs ${idpPort} ${consoleOrigin} ${E2E_IDP.audience}`,
      url: `${E2E_IDP.issuer}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      command: `node scripts/start.mjs -p ${port}`, // the flag, as a person would type it (npm start -- -p N)
      url: `http://127.0.0.1:${port}/api/health`,
      env: serverEnv,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
