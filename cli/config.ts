import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What `pangolin login` and `pangolin tenant use` remember, in the user's config folder (mode 0600). */
export type CliConfig = {
  server?: string;
  token?: string;
  username?: string;
  expiresAt?: string;
  /** Root only: the tenant every request acts in (X-Pangolin-Tenant). */
  tenant?: string;
};

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || path.join(os.homedir(), '.config');
  return path.join(base, 'pangolin');
}

export const configFile = (env: NodeJS.ProcessEnv = process.env) => path.join(configDir(env), 'config.json');

export function readConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  try {
    const parsed: unknown = JSON.parse(readFileSync(configFile(env), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as CliConfig) : {};
  } catch {
    return {};
  }
}

/** Writes the config readable by its owner only (the folder 0700, the file 0600), whatever the umask. */
export function writeConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = configFile(env);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

export function forgetToken(env: NodeJS.ProcessEnv = process.env): void {
  const { token: _token, expiresAt: _expiresAt, ...rest } = readConfig(env);
  if (Object.keys(rest).length) writeConfig(rest, env);
  else rmSync(configFile(env), { force: true });
}
