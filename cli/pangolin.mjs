#!/usr/bin/env node
// The `pangolin` command (package.json "bin"): runs the TypeScript CLI through tsx's loader. In a checkout the same
// is `npm run cli -- <args>`.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
