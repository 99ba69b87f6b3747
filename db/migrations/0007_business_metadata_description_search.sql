DROP INDEX "idx_business_metadata_description";--> statement-breakpoint
ALTER TABLE "business_metadata" ADD COLUMN "description_search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(description, ''))) STORED;--> statement-breakpoint
CREATE INDEX "idx_business_metadata_description_search" ON "business_metadata" USING gin ("description_search");