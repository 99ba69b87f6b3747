ALTER TABLE "audit_chain_heads" ADD COLUMN "tenant_id" uuid;--> statement-breakpoint
CREATE INDEX "idx_audit_chain_heads_tenant" ON "audit_chain_heads" USING btree ("tenant_id");--> statement-breakpoint
-- Until now each tenant had one chain whose id was the tenant id: that chain becomes the tenant's lane 0.
UPDATE "audit_chain_heads" SET "tenant_id" = "chain_id" WHERE "chain_id" <> '00000000-0000-0000-0000-000000000000';
