DROP INDEX "idx_assets_tenant_lower_name";--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "name_key" text GENERATED ALWAYS AS (lower(name)) STORED;--> statement-breakpoint
CREATE INDEX "idx_assets_tenant_name_key" ON "assets" USING btree ("tenant_id","name_key" COLLATE "C","asset_id","branch_id","asset_type");