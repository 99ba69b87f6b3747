ALTER TABLE "branches" ADD COLUMN "table_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "branches" ADD COLUMN "view_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Keeps branches.table_count / view_count equal to the branch's head rows in assets, whatever writes them
-- (commits, merges, branch copies, bulk loads): one grouped update per statement, from its transition tables.
CREATE OR REPLACE FUNCTION branches_count_assets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Each branch names only the transition tables its trigger has (a statement is planned when it first runs).
  IF TG_OP = 'INSERT' THEN
    UPDATE branches b SET table_count = b.table_count + d.tables, view_count = b.view_count + d.views
    FROM (SELECT tenant_id, branch_id, count(*) FILTER (WHERE asset_type = 'table')::int AS tables,
                 count(*) FILTER (WHERE asset_type = 'view')::int AS views
          FROM new_rows GROUP BY tenant_id, branch_id) d
    WHERE b.tenant_id = d.tenant_id AND b.id = d.branch_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE branches b SET table_count = b.table_count - d.tables, view_count = b.view_count - d.views
    FROM (SELECT tenant_id, branch_id, count(*) FILTER (WHERE asset_type = 'table')::int AS tables,
                 count(*) FILTER (WHERE asset_type = 'view')::int AS views
          FROM old_rows GROUP BY tenant_id, branch_id) d
    WHERE b.tenant_id = d.tenant_id AND b.id = d.branch_id;
  ELSE
    UPDATE branches b SET table_count = b.table_count + d.tables, view_count = b.view_count + d.views
    FROM (SELECT tenant_id, branch_id, sum(tables)::int AS tables, sum(views)::int AS views FROM (
            SELECT tenant_id, branch_id, count(*) FILTER (WHERE asset_type = 'table') AS tables,
                   count(*) FILTER (WHERE asset_type = 'view') AS views
            FROM new_rows GROUP BY tenant_id, branch_id
            UNION ALL
            SELECT tenant_id, branch_id, -count(*) FILTER (WHERE asset_type = 'table'), -count(*) FILTER (WHERE asset_type = 'view')
            FROM old_rows GROUP BY tenant_id, branch_id) c
          GROUP BY tenant_id, branch_id) d
    WHERE b.tenant_id = d.tenant_id AND b.id = d.branch_id AND (d.tables <> 0 OR d.views <> 0);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER assets_count_insert AFTER INSERT ON assets REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION branches_count_assets();
--> statement-breakpoint
CREATE TRIGGER assets_count_update AFTER UPDATE ON assets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION branches_count_assets();
--> statement-breakpoint
CREATE TRIGGER assets_count_delete AFTER DELETE ON assets REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION branches_count_assets();
--> statement-breakpoint
UPDATE branches b SET table_count = c.tables, view_count = c.views
FROM (SELECT tenant_id, branch_id, count(*) FILTER (WHERE asset_type = 'table')::int AS tables,
             count(*) FILTER (WHERE asset_type = 'view')::int AS views
      FROM assets GROUP BY tenant_id, branch_id) c
WHERE b.tenant_id = c.tenant_id AND b.id = c.branch_id;
