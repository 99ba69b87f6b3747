-- Search in one round trip (lib/catalog/queries/search.ts): the statement of a metadata match needs planner settings
-- of its own (see metadataStatement), which took BEGIN, set_config and COMMIT around it. A function's SET clauses hold
-- them while the statements it runs are planned and run, and end with it (so they are safe behind PgBouncer, as
-- SET LOCAL was). With `words`, it first reads the tenant's description words under the query word: at most
-- `max_words`, it runs `with_words` with them as $1 (text[]), otherwise `otherwise`. The statements are built by the
-- application with their values as literals (standard_conforming_strings is on here, whatever the session says);
-- STABLE runs them read-only, and wrapped as a subquery they can only be queries. Each row comes back as JSON.
CREATE FUNCTION pangolin_search_assets(words text, max_words int, with_words text, otherwise text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET jit = off
SET max_parallel_workers_per_gather = 0
SET work_mem = '64MB'
SET standard_conforming_strings = on
AS $$
DECLARE
  hits text[];
BEGIN
  IF words IS NOT NULL THEN
    EXECUTE 'SELECT ARRAY(' || words || E'\n)' INTO hits;
    IF cardinality(hits) <= max_words THEN
      RETURN QUERY EXECUTE 'SELECT to_json(r) FROM (' || with_words || E'\n) r' USING hits;
      RETURN;
    END IF;
  END IF;
  RETURN QUERY EXECUTE 'SELECT to_json(r) FROM (' || otherwise || E'\n) r';
END
$$;
