import { sourceFingerprint } from './scripts/build-fingerprint.mjs';

/** @type {import('next').NextConfig} */
// The Content-Security-Policy (with a per-request nonce) is set in proxy.ts.
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' },
];

const nextConfig = {
  // Separate build folders let several builds coexist (e.g. parallel test runs); the default is .next.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native, WASM or large SDKs load from node_modules at run time instead of being bundled.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@node-rs/argon2',
    'pg',
    '@aws-sdk/client-s3',
    '@azure/storage-blob',
    '@google-cloud/storage',
    'proper-lockfile',
    'prom-client',
    'pino',
  ],
  poweredByHeader: false,
  // The build's id is the fingerprint of what it was built from: `npm start` rebuilds when the checkout differs.
  generateBuildId: () => sourceFingerprint(import.meta.dirname),
  // Types are checked by `npm run typecheck` (part of `npm test`), once for the whole tree, not per build.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
