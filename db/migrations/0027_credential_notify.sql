-- Instances cache the credentials they resolved (lib/auth/credential-cache.ts). Every change that can alter what a
-- token or key resolves to (an account's state or role, its tokens, grants, role membership, service users, and the
-- names grants are matched by) tells every instance at commit through NOTIFY, and marks the transaction so the
-- instance that made the change can wait for the notice before answering.
CREATE FUNCTION pangolin_notify_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  marker text := txid_current()::text;
  r jsonb;
  i int;
  v text;
BEGIN
  FOREACH r IN ARRAY CASE TG_OP
    WHEN 'INSERT' THEN ARRAY[to_jsonb(NEW)]
    WHEN 'DELETE' THEN ARRAY[to_jsonb(OLD)]
    ELSE ARRAY[to_jsonb(OLD), to_jsonb(NEW)] END
  LOOP
    -- TG_ARGV holds pairs: a scope letter and the column naming the account, role or tenant it touches.
    i := 0;
    WHILE i < TG_NARGS LOOP
      v := r ->> TG_ARGV[i + 1];
      IF v IS NOT NULL THEN
        PERFORM pg_notify('pangolin_credentials', TG_ARGV[i] || ':' || v || '@' || marker);
      END IF;
      i := i + 2;
    END LOOP;
  END LOOP;
  PERFORM set_config('pangolin.credentials_changed', marker, true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER credentials_users AFTER UPDATE OF tenant_id, username, password_hash, role, active, must_change_password, totp_enabled_at OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('u', 'id');
--> statement-breakpoint
CREATE TRIGGER credentials_active_tokens AFTER DELETE OR UPDATE OF user_id, expires_at, kind, name ON active_tokens
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER credentials_revoked_tokens AFTER INSERT ON revoked_tokens
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER credentials_permissions AFTER INSERT OR UPDATE OR DELETE ON permissions
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('u', 'user_id', 'r', 'role_id', 's', 'service_user_id');
--> statement-breakpoint
CREATE TRIGGER credentials_user_roles AFTER INSERT OR UPDATE OR DELETE ON user_roles
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER credentials_roles AFTER UPDATE OF name OR DELETE ON roles
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('r', 'id');
--> statement-breakpoint
CREATE TRIGGER credentials_service_users AFTER UPDATE OF tenant_id, name, role, key_id, api_key_hash, expires_at, active OR DELETE ON service_users
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('s', 'id');
--> statement-breakpoint
CREATE TRIGGER credentials_namespaces AFTER UPDATE OF path OR DELETE ON namespaces
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('t', 'tenant_id');
--> statement-breakpoint
CREATE TRIGGER credentials_catalogs AFTER UPDATE OF name OR DELETE ON catalogs
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('t', 'tenant_id');
--> statement-breakpoint
CREATE TRIGGER credentials_tenants AFTER DELETE ON tenants
  FOR EACH ROW EXECUTE FUNCTION pangolin_notify_credentials('t', 'id');
