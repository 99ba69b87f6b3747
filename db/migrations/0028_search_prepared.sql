-- Search planned once per statement shape (lib/catalog/queries/search.ts, `planned`): the statements come as text
-- with their strings as parameters ($1…$n, given in an array beside each), and each is prepared once per connection
-- (PREPARE, named after the text's hash) and run on its generic plan, where EXECUTE planned the statement on every
-- call (planning cost more than running it). The planner settings of 0026 hold as before, and plan_cache_mode makes
-- the prepared plan the generic one from the first call. A statement is run first and prepared only when the
-- connection does not hold it yet (looking in pg_prepared_statements on every call would copy out every prepared
-- statement's text). VOLATILE because PREPARE is a utility statement (a STABLE function may run queries only); the
-- statements stay queries, wrapped as a subquery. A connection keeps at most 64: the oldest goes for a new one.
DROP FUNCTION IF EXISTS pangolin_search_assets(text, int, text, text);
--> statement-breakpoint
CREATE FUNCTION pangolin_search_execute(query text, args text[]) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN coalesce(cardinality(args), 0) = 0 THEN format('EXECUTE %I', 'pangolin_search_' || md5(query))
    ELSE format('EXECUTE %I(%s)', 'pangolin_search_' || md5(query),
      (SELECT string_agg(quote_nullable(a), ', ' ORDER BY i) FROM unnest(args) WITH ORDINALITY AS x(a, i))) END
$$;
--> statement-breakpoint
CREATE FUNCTION pangolin_search_prepare(query text) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  oldest text;
BEGIN
  IF (SELECT count(*) FROM pg_prepared_statements p WHERE p.name LIKE 'pangolin\_search\_%') >= 64 THEN
    SELECT p.name INTO oldest FROM pg_prepared_statements p WHERE p.name LIKE 'pangolin\_search\_%'
      ORDER BY p.prepare_time LIMIT 1;
    EXECUTE format('DEALLOCATE %I', oldest);
  END IF;
  EXECUTE format('PREPARE %I AS %s', 'pangolin_search_' || md5(query), query);
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
  q text := 'SELECT to_json(r) FROM (' || otherwise || E'\n) r';
  a text[] := otherwise_args;
  w text;
BEGIN
  IF words IS NOT NULL THEN
    w := 'SELECT ARRAY(' || words || E'\n)';
    BEGIN
      EXECUTE pangolin_search_execute(w, words_args) INTO hits;
    EXCEPTION WHEN invalid_sql_statement_name THEN
      PERFORM pangolin_search_prepare(w);
      EXECUTE pangolin_search_execute(w, words_args) INTO hits;
    END;
    IF cardinality(hits) <= max_words THEN
      q := 'SELECT to_json(r) FROM (' || with_words || E'\n) r';
      a := coalesce(with_words_args, '{}') || hits::text;
    END IF;
  END IF;
  -- Not prepared on this connection yet: RETURN QUERY finds that EXECUTE of a statement it does not know returns no
  -- rows, before running anything (42601, "EXECUTE query does not return tuples"), so nothing is returned twice. A
  -- statement that really is malformed fails in PREPARE below, and that error stands.
  BEGIN
    RETURN QUERY EXECUTE pangolin_search_execute(q, a);
  EXCEPTION WHEN syntax_error OR invalid_sql_statement_name THEN
    PERFORM pangolin_search_prepare(q);
    RETURN QUERY EXECUTE pangolin_search_execute(q, a);
  END;
END
$$;
