-- Search planned once per statement shape (lib/catalog/queries/search.ts, `planned`): the statements come as text
-- with their strings as parameters ($1…$n, given in an array beside each), and the function prepares each once per
-- connection (PREPARE, named after the text's hash) and runs its generic plan, where EXECUTE planned the statement
-- on every call (planning cost more than running it). The planner settings of 0026 hold as before, and
-- plan_cache_mode makes the prepared plan the generic one from the first call. VOLATILE because PREPARE is a
-- utility statement (a STABLE function may run queries only); the statements stay queries, wrapped as a subquery.
-- A connection keeps at most 64 of them: the oldest is dropped for a new one (a statement of another shape).
DROP FUNCTION IF EXISTS pangolin_search_assets(text, int, text, text);
--> statement-breakpoint
CREATE FUNCTION pangolin_search_prepared(query text, args text[]) RETURNS text
LANGUAGE plpgsql VOLATILE
SET standard_conforming_strings = on
AS $$
DECLARE
  stmt text := 'pangolin_search_' || md5(query);
  oldest text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_prepared_statements p WHERE p.name = stmt) THEN
    IF (SELECT count(*) FROM pg_prepared_statements p WHERE p.name LIKE 'pangolin\_search\_%') >= 64 THEN
      SELECT p.name INTO oldest FROM pg_prepared_statements p WHERE p.name LIKE 'pangolin\_search\_%'
        ORDER BY p.prepare_time LIMIT 1;
      EXECUTE format('DEALLOCATE %I', oldest);
    END IF;
    EXECUTE format('PREPARE %I AS %s', stmt, query);
  END IF;
  IF coalesce(cardinality(args), 0) = 0 THEN
    RETURN format('EXECUTE %I', stmt);
  END IF;
  RETURN format('EXECUTE %I(%s)', stmt,
    (SELECT string_agg(quote_nullable(a), ', ' ORDER BY i) FROM unnest(args) WITH ORDINALITY AS x(a, i)));
END
$$;
--> statement-breakpoint
CREATE FUNCTION pangolin_search_assets(words text, words_args text[], max_words int, with_words text,
  with_words_args text[], otherwise text, otherwise_args text[])
RETURNS SETOF json
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off
SET jit = off
SET max_parallel_workers_per_gather = 0
SET work_mem = '64MB'
SET standard_conforming_strings = on
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  hits text[];
BEGIN
  IF words IS NOT NULL THEN
    EXECUTE pangolin_search_prepared('SELECT ARRAY(' || words || E'\n)', words_args) INTO hits;
    IF cardinality(hits) <= max_words THEN
      RETURN QUERY EXECUTE pangolin_search_prepared('SELECT to_json(r) FROM (' || with_words || E'\n) r',
        coalesce(with_words_args, '{}') || hits::text);
      RETURN;
    END IF;
  END IF;
  RETURN QUERY EXECUTE pangolin_search_prepared('SELECT to_json(r) FROM (' || otherwise || E'\n) r', otherwise_args);
END
$$;
