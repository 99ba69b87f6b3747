CREATE TABLE "catalog_maintenance" (
	"tenant_id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"expire_schedule" text DEFAULT 'off' NOT NULL,
	"expire_older_than_days" integer DEFAULT 5 NOT NULL,
	"expire_retain_last" integer DEFAULT 1 NOT NULL,
	"orphans_schedule" text DEFAULT 'off' NOT NULL,
	"orphans_older_than_days" integer DEFAULT 3 NOT NULL,
	"expire_next_run_at" timestamp with time zone,
	"orphans_next_run_at" timestamp with time zone,
	"next_run_at" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_maintenance_tenant_id_catalog_id_pk" PRIMARY KEY("tenant_id","catalog_id"),
	CONSTRAINT "catalog_maintenance_expire_schedule_check" CHECK ("expire_schedule" IN ('off', 'daily', 'weekly')),
	CONSTRAINT "catalog_maintenance_orphans_schedule_check" CHECK ("orphans_schedule" IN ('off', 'daily', 'weekly')),
	CONSTRAINT "catalog_maintenance_expire_days_check" CHECK ("expire_older_than_days" BETWEEN 0 AND 36500),
	CONSTRAINT "catalog_maintenance_retain_check" CHECK ("expire_retain_last" BETWEEN 1 AND 100000),
	CONSTRAINT "catalog_maintenance_orphans_days_check" CHECK ("orphans_older_than_days" BETWEEN 1 AND 36500)
);
--> statement-breakpoint
ALTER TABLE "catalog_maintenance" ADD CONSTRAINT "fk_catalog_maintenance_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_catalog_maintenance_due" ON "catalog_maintenance" USING btree ("next_run_at") WHERE "next_run_at" IS NOT NULL;
