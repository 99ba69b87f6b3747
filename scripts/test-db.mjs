#!/usr/bin/env node
// Creates a fresh, empty database next to the one in the given URL and prints its URL:
//   node scripts/test-db.mjs <base-url> <suffix>
// Tests never touch the database named in the URL itself.
import pg from 'pg';

const [base, suffix] = process.argv.slice(2);
if (!base || !suffix) {
  console.error('usage: test-db.mjs <postgres-url> <suffix>');
  process.exit(2);
}
const url = new URL(base);
const name = `${url.pathname.slice(1) || 'postgres'}_${suffix}`.replace(/[^a-zA-Z0-9_]/g, '_');
const admin = new pg.Client({ connectionString: base });
try {
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
} catch (err) {
  console.error(`Could not create test database "${name}" via ${url.host}: ${err.message}`);
  process.exit(1);
} finally {
  await admin.end().catch(() => {});
}
url.pathname = `/${name}`;
console.log(url.toString());
