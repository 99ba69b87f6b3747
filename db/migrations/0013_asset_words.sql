CREATE TABLE "asset_words" (
	"tenant_id" uuid NOT NULL,
	"word" text COLLATE "C" NOT NULL,
	"name_key" text COLLATE "C" NOT NULL,
	"asset_id" uuid NOT NULL,
	CONSTRAINT "asset_words_tenant_id_word_name_key_asset_id_pk" PRIMARY KEY("tenant_id","word","name_key","asset_id")
);
--> statement-breakpoint
ALTER TABLE "asset_words" ADD CONSTRAINT "fk_asset_words_identity" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."asset_identities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_asset_words_tenant_asset" ON "asset_words" USING btree ("tenant_id","asset_id");--> statement-breakpoint
-- Rewrites the words of the given assets from their current description and main-branch name (none when either
-- is missing). Called by the triggers below with the assets a statement touched.
CREATE OR REPLACE FUNCTION asset_words_refresh(tenant_ids uuid[], asset_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM asset_words w USING unnest(tenant_ids, asset_ids) AS c(tenant_id, asset_id)
  WHERE w.tenant_id = c.tenant_id AND w.asset_id = c.asset_id;
  INSERT INTO asset_words (tenant_id, word, name_key, asset_id)
  SELECT DISTINCT a.tenant_id, lexeme, a.name_key, a.asset_id
  FROM (SELECT DISTINCT tenant_id, asset_id FROM unnest(tenant_ids, asset_ids) AS c(tenant_id, asset_id)) c
  JOIN assets a ON a.tenant_id = c.tenant_id AND a.asset_id = c.asset_id
  JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id AND b.name = 'main'
  JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
  CROSS JOIN unnest(tsvector_to_array(bm.description_search)) AS lexeme
  ON CONFLICT DO NOTHING;
$$;
--> statement-breakpoint
-- Head rows of a main branch come and go (commits replace them, merges, loads): their assets' words follow.
-- Each branch names only the transition tables its trigger has (a statement is planned when it first runs).
CREATE OR REPLACE FUNCTION asset_words_on_assets() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE t uuid[]; a uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(n.tenant_id), array_agg(n.asset_id) INTO t, a FROM new_rows n
    WHERE EXISTS (SELECT 1 FROM branches b WHERE b.tenant_id = n.tenant_id AND b.id = n.branch_id AND b.name = 'main');
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(o.tenant_id), array_agg(o.asset_id) INTO t, a FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM branches b WHERE b.tenant_id = o.tenant_id AND b.id = o.branch_id AND b.name = 'main');
  ELSE
    SELECT array_agg(n.tenant_id), array_agg(n.asset_id) INTO t, a FROM new_rows n
    JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.branch_id = n.branch_id AND o.asset_id = n.asset_id
    WHERE o.name IS DISTINCT FROM n.name
      AND EXISTS (SELECT 1 FROM branches b WHERE b.tenant_id = n.tenant_id AND b.id = n.branch_id AND b.name = 'main');
  END IF;
  IF t IS NOT NULL THEN PERFORM asset_words_refresh(t, a); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER assets_words_insert AFTER INSERT ON assets REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION asset_words_on_assets();
--> statement-breakpoint
CREATE TRIGGER assets_words_update AFTER UPDATE ON assets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION asset_words_on_assets();
--> statement-breakpoint
CREATE TRIGGER assets_words_delete AFTER DELETE ON assets REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION asset_words_on_assets();
--> statement-breakpoint
-- A description written, changed or removed: its asset's words follow.
CREATE OR REPLACE FUNCTION asset_words_on_metadata() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE t uuid[]; a uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(n.tenant_id), array_agg(n.asset_id) INTO t, a FROM new_rows n WHERE n.description IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(o.tenant_id), array_agg(o.asset_id) INTO t, a FROM old_rows o WHERE o.description IS NOT NULL;
  ELSE
    SELECT array_agg(n.tenant_id), array_agg(n.asset_id) INTO t, a FROM new_rows n
    JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.asset_id = n.asset_id
    WHERE o.description IS DISTINCT FROM n.description;
  END IF;
  IF t IS NOT NULL THEN PERFORM asset_words_refresh(t, a); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER business_metadata_words_insert AFTER INSERT ON business_metadata REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION asset_words_on_metadata();
--> statement-breakpoint
CREATE TRIGGER business_metadata_words_update AFTER UPDATE ON business_metadata REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION asset_words_on_metadata();
--> statement-breakpoint
CREATE TRIGGER business_metadata_words_delete AFTER DELETE ON business_metadata REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION asset_words_on_metadata();
--> statement-breakpoint
INSERT INTO asset_words (tenant_id, word, name_key, asset_id)
SELECT DISTINCT a.tenant_id, lexeme, a.name_key, a.asset_id
FROM assets a
JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id AND b.name = 'main'
JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
CROSS JOIN unnest(tsvector_to_array(bm.description_search)) AS lexeme;
--> statement-breakpoint
-- Statistics now (ANALYZE may run in the migration's transaction); autovacuum sets the visibility map after the load.
ANALYZE asset_words;
