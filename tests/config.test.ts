import { describe, expect, it } from 'vitest';
import { poolConfig } from '@/db/connection-options';
import { EnvError, parseEnv } from '@/lib/env';

describe('environment', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATABASE_MAX_CONNECTIONS).toBe(10);
    expect(env.DATABASE_MIN_CONNECTIONS).toBe(2);
    expect(env.DATABASE_CONNECT_TIMEOUT).toBe(30);
    expect(env.PANGOLIN_DATA_DIR).toBe('.data');
  });

  it('accepts postgres:// and postgresql:// URLs and rejects others, naming the variable', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://u@h/db' }).DATABASE_URL).toBe('postgres://u@h/db');
    expect(parseEnv({ DATABASE_URL: 'postgresql://u@h/db' }).DATABASE_URL).toBe('postgresql://u@h/db');
    expect(() => parseEnv({ DATABASE_URL: 'mysql://u@h/db' })).toThrowError(
      /DATABASE_URL must start with postgres:\/\//,
    );
  });

  it('names every bad variable in one message', () => {
    try {
      parseEnv({ DATABASE_MAX_CONNECTIONS: 'lots', DATABASE_CONNECT_TIMEOUT: '-1', PANGOLIN_ENCRYPTION_KEY: 'short' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const message = (err as Error).message;
      expect(message).toMatch(/DATABASE_MAX_CONNECTIONS must be a whole number from 1 to 1000, got "lots"/);
      expect(message).toMatch(/DATABASE_CONNECT_TIMEOUT must be a whole number/);
      expect(message).toMatch(/PANGOLIN_ENCRYPTION_KEY must be 32 bytes/);
    }
  });

  it('refuses a minimum pool size above the maximum, and a root user without a password', () => {
    expect(() => parseEnv({ DATABASE_MAX_CONNECTIONS: '3', DATABASE_MIN_CONNECTIONS: '5' })).toThrowError(
      /must not exceed DATABASE_MAX_CONNECTIONS \(3\)/,
    );
    expect(() => parseEnv({ PANGOLIN_ROOT_USER: 'admin' })).toThrowError(/must be set together/);
  });

  it('builds pool options from the variables, honouring sslmode with libpq semantics', () => {
    const cfg = poolConfig(
      parseEnv({
        DATABASE_URL: 'postgresql://u:p@db.example:5432/pangolin?sslmode=require',
        DATABASE_MAX_CONNECTIONS: '7',
        DATABASE_MIN_CONNECTIONS: '1',
        DATABASE_CONNECT_TIMEOUT: '5',
      }),
    );
    expect(cfg.max).toBe(7);
    expect(cfg.min).toBe(1);
    expect(cfg.connectionTimeoutMillis).toBe(5000);
    expect(cfg.connectionString).toContain('sslmode=require');
    expect(cfg.connectionString).toContain('uselibpqcompat=true');
    expect(poolConfig(parseEnv({ DATABASE_URL: 'postgres://u@h/db' })).connectionString).not.toContain(
      'uselibpqcompat',
    );
  });
});
