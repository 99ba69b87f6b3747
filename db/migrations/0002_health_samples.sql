CREATE TABLE "db_health_samples" (
	"sampled_at" timestamp with time zone PRIMARY KEY NOT NULL,
	"connections_by_state" jsonb NOT NULL,
	"xact_commit" bigint NOT NULL,
	"xact_rollback" bigint NOT NULL,
	"blks_read" bigint NOT NULL,
	"blks_hit" bigint NOT NULL,
	"database_size" bigint NOT NULL
);
