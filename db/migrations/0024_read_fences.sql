-- Read-your-writes with a read replica (db/replica.ts): after a person's change, the primary's WAL position at its
-- commit, until it expires. Kept on the primary only and rebuilt by use, so UNLOGGED (no WAL, not replicated).
CREATE UNLOGGED TABLE "read_fences" (
	"actor_key" text PRIMARY KEY NOT NULL,
	"lsn" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
