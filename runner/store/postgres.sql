-- sop-runner on PostgreSQL: every write goes through these functions.
--
-- The entry points run as the store's owner (SECURITY DEFINER) with a fixed
-- search_path (the helpers, without one of their own, run inside it; called
-- directly they run with the caller's rights, which change nothing), so a
-- clerk's role needs no INSERT, UPDATE or DELETE on any table:
-- it may only call them. They take who is acting from sop_me() (session_user,
-- or the person a web gateway acts for), check it against people and posts, check the step against the stored SOP definition,
-- stamp the server's clock, chain the event, and write it with the case row in
-- the one transaction of the call. They mirror the checks SQLite's write path
-- makes in Python (runner/store/people.py, runner/store/sql.py); the tests run
-- the same cases on both.
--
-- A refusal is RAISE with HINT 'sop-runner' and DETAIL the JSON facts, kind
-- included, which the program words in the reader's language.
--
-- {schema} is the store's schema, filled in when the migration runs, as are the facts the
-- Python states too (runner/store/postgres.py sql_constants: the genesis hash, the clock's
-- tolerance, the acting marks, the limits, ...). No question marks in this file: the store's SQL
-- uses them as placeholders.

CREATE OR REPLACE FUNCTION sop_iso(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
  -- stored times: UTC with microseconds, as runner/store/clock.py iso() writes them
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
$$;

CREATE OR REPLACE FUNCTION sop_refuse(p_kind text, p_message text, p_details jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = p_message,
    DETAIL = (p_details || jsonb_build_object('kind', p_kind))::text, HINT = 'sop-runner';
END $$;

-- The locks the functions serialise on (people and posts, the numbering of an SOP's cases): rows
-- of a table only the owner can write, taken FOR UPDATE inside the call's transaction. An
-- advisory lock would be a key any clerk can take, and hold, at session level.
CREATE TABLE IF NOT EXISTS locks (key text PRIMARY KEY);

-- What a clerk's own session settings may not weaken: each entry point calls this first. The
-- timeouts (runner/store/postgres.py TIMEOUTS) are shortened to ours where the session's are off
-- or longer, until the end of the call's transaction; and a snapshot older than the call
-- (REPEATABLE READ, SERIALIZABLE) would hide a post ended meanwhile.
-- Who acts: the session's login; for a web gateway the owner registered (gateways), the person it
-- acts for in this transaction (SET LOCAL ROLE, as PostgREST does): the gateway is granted each
-- person's role, holds no rights of its own, and acts for nobody without a role set.
CREATE TABLE IF NOT EXISTS gateways (login text PRIMARY KEY);

CREATE OR REPLACE FUNCTION sop_me() RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_role text := current_setting('role');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM gateways WHERE login = session_user) THEN
    RETURN session_user;
  END IF;
  IF v_role = 'none' OR v_role = session_user THEN
    PERFORM sop_refuse('gateway-without-person',
      format('%s is a web gateway: it acts only for a person signed in (SET LOCAL ROLE)', session_user),
      jsonb_build_object('login', session_user));
  END IF;
  RETURN v_role;
END $$;

CREATE OR REPLACE FUNCTION sop_guard_session() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- (one IF each: this runs in every call, and a query over a list of them costs twice as much)
  IF current_setting('lock_timeout')::interval NOT BETWEEN interval '1 microsecond' AND interval '{lock_timeout}' THEN
    PERFORM set_config('lock_timeout', '{lock_timeout}', true);
  END IF;
  IF current_setting('statement_timeout')::interval NOT BETWEEN interval '1 microsecond' AND interval '{statement_timeout}' THEN
    PERFORM set_config('statement_timeout', '{statement_timeout}', true);
  END IF;
  IF current_setting('idle_in_transaction_session_timeout')::interval
     NOT BETWEEN interval '1 microsecond' AND interval '{idle_timeout}' THEN
    PERFORM set_config('idle_in_transaction_session_timeout', '{idle_timeout}', true);
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    PERFORM sop_refuse('isolation', format('the store''s functions run only in READ COMMITTED transactions, not %s',
        upper(current_setting('transaction_isolation'))),
      jsonb_build_object('isolation', current_setting('transaction_isolation')));
  END IF;
END $$;

-- Who holds the row lock a transaction (xmax of the row) took: the logins of its sessions.
CREATE OR REPLACE FUNCTION sop_lock_holder(p_xid xid) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_agg(DISTINCT a.usename::text, ', '), '?')
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'transactionid' AND l.transactionid = p_xid AND l.granted
$$;

-- Take the lock of p_key until the transaction ends; a wait beyond lock_timeout is refused,
-- naming who holds it. The uncontended path takes no subtransaction.
CREATE OR REPLACE FUNCTION sop_lock(p_key text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_holder text;
BEGIN
  PERFORM 1 FROM locks WHERE key = p_key FOR UPDATE SKIP LOCKED;
  IF FOUND THEN
    RETURN;
  END IF;
  BEGIN
    INSERT INTO locks VALUES (p_key) ON CONFLICT DO NOTHING;
    PERFORM 1 FROM locks WHERE key = p_key FOR UPDATE;
  EXCEPTION WHEN lock_not_available THEN
    SELECT sop_lock_holder(xmax) INTO v_holder FROM locks WHERE key = p_key;
    PERFORM sop_refuse('store-busy-by', format('%s holds the lock %s and did not finish within %s', v_holder, p_key,
        current_setting('lock_timeout')),
      jsonb_build_object('holder', coalesce(v_holder, '?'), 'lock', p_key, 'timeout', current_setting('lock_timeout')));
  END;
END $$;

-- The case row, locked until the transaction ends (as sop_lock).
CREATE OR REPLACE FUNCTION sop_lock_case(p_case text) RETURNS cases
LANGUAGE plpgsql AS $$
DECLARE
  v_case cases;
  v_holder text;
BEGIN
  SELECT * INTO v_case FROM cases WHERE id = p_case FOR UPDATE SKIP LOCKED;
  IF FOUND THEN
    RETURN v_case;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cases WHERE id = p_case) THEN
    RETURN v_case;  -- no such case: the caller says so
  END IF;
  BEGIN
    SELECT * INTO v_case FROM cases WHERE id = p_case FOR UPDATE;
  EXCEPTION WHEN lock_not_available THEN
    SELECT sop_lock_holder(xmax) INTO v_holder FROM cases WHERE id = p_case;
    PERFORM sop_refuse('case-busy', format('%s holds case %s and did not finish within %s', v_holder, p_case,
        current_setting('lock_timeout')),
      jsonb_build_object('holder', coalesce(v_holder, '?'), 'case', p_case, 'timeout', current_setting('lock_timeout')));
  END;
  RETURN v_case;
END $$;

CREATE OR REPLACE FUNCTION sop_event_hash(e events) RETURNS text
LANGUAGE sql STABLE AS $$
  -- format 2 of runner/store/chain.py event_hash: json_build_array's text has the
  -- same ", " separators and escapes as Python's json.dumps(..., ensure_ascii=False)
  SELECT encode(sha256(convert_to(json_build_array(
    2, e.case_id, e.seq, e.at, e.action, e.step, e.outcome, e.role, e.operator, e.note, e.data,
    e.prev_hash, e.holder, e.acting, e.recorded_at, e.backdated, e.request)::text, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION sop_post_title(p_pelaksana text, p_acting text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  -- as runner/store/rows.py post_title (the marks: runner/store/rules.py ACTING)
  SELECT CASE p_acting {acting_titles} ELSE '' END || p_pelaksana
$$;

-- Who acts, and as what: (holder, acting) of an action recorded by sop_me(),
-- for p_for when given. Mirrors PeopleStore.authorize.
CREATE OR REPLACE FUNCTION sop_authorize(
  p_for text, p_role text, p_sop text, p_tz text, p_at timestamptz, OUT holder text, OUT acting text
) LANGUAGE plpgsql AS $$
DECLARE
  v_me people;
  v_target people;
  v_day text;
  v_post posts;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM people) THEN  -- posts are enforced once the first person is registered
    IF p_for IS NOT NULL THEN
      PERFORM sop_refuse('unknown-person', format('no person %L in this store', p_for),
        jsonb_build_object('login', p_for));
    END IF;
    RETURN;
  END IF;
  SELECT * INTO v_me FROM people WHERE login = sop_me();
  IF NOT FOUND THEN
    PERFORM sop_refuse('not-a-person', format('%s is not registered in this store', sop_me()),
      jsonb_build_object('login', sop_me()));
  END IF;
  v_target := v_me;
  IF p_for IS NOT NULL AND p_for <> sop_me() THEN
    IF v_me.records_for_others = 0 THEN
      PERFORM sop_refuse('no-right-to-record-for-others',
        format('%s has not the right to record actions for others', sop_me()),
        jsonb_build_object('login', sop_me()));
    END IF;
    SELECT * INTO v_target FROM people WHERE login = p_for;
    IF NOT FOUND THEN
      PERFORM sop_refuse('unknown-person', format('no person %L in this store', p_for),
        jsonb_build_object('login', p_for));
    END IF;
  END IF;
  holder := v_target.login;
  IF p_role IS NULL THEN
    RETURN;
  END IF;
  v_day := to_char(p_at AT TIME ZONE p_tz, 'YYYY-MM-DD');
  SELECT p.* INTO v_post FROM posts p
   WHERE p.login = holder AND p.pelaksana = p_role
     AND (p.sops IS NULL OR p.sops::jsonb @> to_jsonb(p_sop))
     AND p.valid_from <= v_day AND (p.valid_until IS NULL OR p.valid_until >= v_day)
     AND (p.ended_at IS NULL OR p_at < p.ended_at::timestamptz)
   ORDER BY p.acting IS NOT NULL, p.id LIMIT 1;
  IF FOUND THEN
    acting := v_post.acting;
    RETURN;
  END IF;
  -- why not: no such post, not yet, or no more (as post_refusal in runner/store/people.py)
  IF NOT EXISTS (SELECT 1 FROM posts p WHERE p.login = holder AND p.pelaksana = p_role
                   AND (p.sops IS NULL OR p.sops::jsonb @> to_jsonb(p_sop))) THEN
    PERFORM sop_refuse('not-holder',
      format('%s does not hold the post %L for SOP %s on %s', holder, p_role, p_sop, v_day),
      jsonb_build_object('login', holder, 'pelaksana', p_role, 'sop', p_sop, 'day', v_day));
  END IF;
  IF NOT EXISTS (SELECT 1 FROM posts p WHERE p.login = holder AND p.pelaksana = p_role
                   AND (p.sops IS NULL OR p.sops::jsonb @> to_jsonb(p_sop)) AND p.valid_from <= v_day) THEN
    SELECT p.* INTO v_post FROM posts p WHERE p.login = holder AND p.pelaksana = p_role
       AND (p.sops IS NULL OR p.sops::jsonb @> to_jsonb(p_sop)) ORDER BY p.valid_from, p.id LIMIT 1;
    PERFORM sop_refuse('post-not-started',
      format('%s holds the post %L only from %s', holder, p_role, v_post.valid_from),
      jsonb_build_object('login', holder, 'pelaksana', p_role, 'post', v_post.id, 'start', v_post.valid_from));
  END IF;
  SELECT p.* INTO v_post FROM posts p WHERE p.login = holder AND p.pelaksana = p_role
     AND (p.sops IS NULL OR p.sops::jsonb @> to_jsonb(p_sop))
   ORDER BY coalesce(p.valid_until, '') DESC, p.id DESC LIMIT 1;
  PERFORM sop_refuse('post-ended', format('%s held the post %L only until %s', holder, p_role,
      coalesce(to_char(v_post.ended_at::timestamptz AT TIME ZONE p_tz, 'YYYY-MM-DD HH24:MI'), v_post.valid_until)),
    jsonb_build_object('login', holder, 'pelaksana', p_role, 'post', v_post.id, 'until',
      coalesce(to_char(v_post.ended_at::timestamptz AT TIME ZONE p_tz, 'YYYY-MM-DD HH24:MI'), v_post.valid_until)));
END $$;

-- Whether an administrator acts (recording it, or in whose name it is recorded) or p_holder holds a post of
-- one of p_pelaksana for p_sop on that day (acting appointments included). Mirrors PeopleStore._admin_or_holder.
CREATE OR REPLACE FUNCTION sop_admin_or_holder(p_holder text, p_pelaksana jsonb, p_sop text, p_tz text, p_at timestamptz)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM people WHERE login IN (sop_me(), p_holder) AND admin = 1)
      OR EXISTS (SELECT 1 FROM posts p
                  WHERE p.login = p_holder AND p_pelaksana @> to_jsonb(p.pelaksana)
                    AND (p.sops IS NULL OR p.sops::jsonb @> to_jsonb(p_sop))
                    AND p.valid_from <= to_char(p_at AT TIME ZONE p_tz, 'YYYY-MM-DD')
                    AND (p.valid_until IS NULL OR p.valid_until >= to_char(p_at AT TIME ZONE p_tz, 'YYYY-MM-DD'))
                    AND (p.ended_at IS NULL OR p_at < p.ended_at::timestamptz))
$$;

CREATE OR REPLACE FUNCTION sop_list(p_items jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(x, ', ' ORDER BY i) FROM jsonb_array_elements_text(p_items) WITH ORDINALITY AS y(x, i)
$$;

-- The states of a stored definition in order, as runner/definition/model.py flattens them: each
-- step, or each activity of a row with several (kegiatan), with its row's number, its place in
-- the row (0: the row is one step) and the state after it in order (the default next).
CREATE OR REPLACE FUNCTION sop_states(p_def jsonb)
RETURNS TABLE (state text, row_no bigint, sub bigint, body jsonb, following text)
LANGUAGE sql IMMUTABLE AS $$
  WITH flat AS (
    SELECT coalesce(k ->> 'id', s ->> 'id') AS state, i AS row_no, coalesce(j, 0) AS sub, coalesce(k, s) AS body
      FROM jsonb_array_elements(p_def -> 'steps') WITH ORDINALITY AS x(s, i)
      LEFT JOIN LATERAL jsonb_array_elements(s -> 'kegiatan') WITH ORDINALITY AS y(k, j) ON true
  )
  SELECT state, row_no, sub, body, coalesce(lead(state) OVER (ORDER BY row_no, sub), 'end') FROM flat
$$;

-- The state a target names: a row with several activities, as a target, names its first activity.
CREATE OR REPLACE FUNCTION sop_state_of(p_def jsonb, p_target text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce((SELECT s -> 'kegiatan' -> 0 ->> 'id' FROM jsonb_array_elements(p_def -> 'steps') AS x(s)
                    WHERE s ->> 'id' = p_target AND s -> 'kegiatan' IS NOT NULL), p_target)
$$;

-- The pelaksana of a step (or an activity) of a stored definition, as a list.
CREATE OR REPLACE FUNCTION sop_step_pelaksana(p_def jsonb, p_step text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE jsonb_typeof(body -> 'pelaksana') WHEN 'string' THEN jsonb_build_array(body -> 'pelaksana') ELSE body -> 'pelaksana' END
    FROM sop_states(p_def) WHERE state = p_step
$$;

-- Who may cancel a case, once posts are enforced: an administrator or the holder of a post of p_pelaksana
-- on that day: those the SOP names in cancel_by (p_named), else the step's the case stands at. Mirrors
-- PeopleStore.check_cancel.
CREATE OR REPLACE FUNCTION sop_check_cancel(
  p_holder text, p_case text, p_step text, p_pelaksana jsonb, p_sop text, p_tz text, p_at timestamptz,
  p_named boolean
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_holder IS NULL OR sop_admin_or_holder(p_holder, p_pelaksana, p_sop, p_tz, p_at) THEN
    RETURN;
  END IF;
  IF p_named THEN  -- (one literal kind a call: the one table of refusals reads them off this file)
    PERFORM sop_refuse('not-allowed-to-cancel-named',
      format('%s may not cancel case %s: only an administrator or the holder of a post the SOP names may', p_holder, p_case),
      jsonb_build_object('login', p_holder, 'case', p_case, 'step', p_step, 'pelaksana', sop_list(p_pelaksana)));
  END IF;
  PERFORM sop_refuse('not-allowed-to-cancel',
    format('%s may not cancel case %s: only an administrator or the holder of a post of its current step may', p_holder, p_case),
    jsonb_build_object('login', p_holder, 'case', p_case, 'step', p_step, 'pelaksana', sop_list(p_pelaksana)));
END $$;

-- The time of an action: p_at is the server's clock as the client read it just
-- before (so that it could compute the deadline from it), or a time given (back-dated).
CREATE OR REPLACE FUNCTION sop_check_time(p_at timestamptz, p_backdated boolean, p_last text, p_now timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_at > p_now THEN
    PERFORM sop_refuse('time-in-future', format('the time %s lies in the future', sop_iso(p_at)),
      jsonb_build_object('at', sop_iso(p_at)));
  END IF;
  IF p_last IS NOT NULL AND sop_iso(p_at) < p_last THEN
    PERFORM sop_refuse('time-before-last-event', format('the time %s is before the last event (%s)', sop_iso(p_at), p_last),
      jsonb_build_object('at', sop_iso(p_at), 'last', p_last));
  END IF;
  IF NOT p_backdated AND p_at < p_now - interval '{now_seconds} seconds' THEN
    PERFORM sop_refuse('clock', 'a time that is not back-dated must be the server''s clock of the moment',
      jsonb_build_object('at', sop_iso(p_at), 'now', sop_iso(p_now)));
  END IF;
END $$;

-- The deadline a moving event records (and only a moving one): none once the case is closed,
-- else none (a step without waktu) or a stored time, not before the step is entered. That it
-- is the SOP's waktu on its working calendar only case verify can tell. Moving between activities
-- of one row (p_inside) keeps the row's deadline (p_kept), passed or not: the row's waktu is the
-- whole row's (runner/cases/rows.py deadline_entering).
DROP FUNCTION IF EXISTS sop_check_deadline(jsonb, boolean, text, timestamptz);
CREATE OR REPLACE FUNCTION sop_check_deadline(
  p_data jsonb, p_moved boolean, p_status text, p_at timestamptz, p_inside boolean, p_kept text
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_due jsonb := p_data -> 'deadline';
BEGIN
  IF (v_due IS NOT NULL) <> p_moved
     OR (v_due IS NOT NULL AND jsonb_typeof(v_due) NOT IN ('null', 'string'))
     OR (p_status <> 'open' AND jsonb_typeof(v_due) = 'string') THEN
    PERFORM sop_refuse('bad-deadline', 'an event that moves the case records the deadline of the step it enters, and only such an event', '{}'::jsonb);
  END IF;
  IF p_inside THEN
    IF v_due #>> '{}' IS DISTINCT FROM p_kept THEN
      PERFORM sop_refuse('bad-deadline', 'moving between activities of one row keeps the row''s deadline', '{}'::jsonb);
    END IF;
    RETURN;
  END IF;
  IF jsonb_typeof(v_due) = 'string' THEN
    IF v_due #>> '{}' !~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$' THEN
      PERFORM sop_refuse('bad-deadline', 'a deadline is a stored time (UTC, with microseconds)', '{}'::jsonb);
    END IF;
    IF sop_iso((v_due #>> '{}')::timestamptz) <> v_due #>> '{}' OR (v_due #>> '{}')::timestamptz < p_at THEN
      PERFORM sop_refuse('bad-deadline', 'a deadline is a time, after the step is entered', '{}'::jsonb);
    END IF;
  END IF;
END $$;

-- The outcomes of a decision step (its row's number, its place in the row: 0 for a row that is one
-- step), in the order of the stored definition's text (the order the program lists them in: json
-- keeps it, jsonb does not). Only a refusal needs them.
DROP FUNCTION IF EXISTS sop_outcomes(text, bigint);
CREATE OR REPLACE FUNCTION sop_outcomes(p_digest text, p_step bigint, p_sub bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(k ORDER BY n), '[]'::jsonb)
    FROM definitions d, json_object_keys(
           CASE WHEN p_sub = 0 THEN d.body::json -> 'steps' -> (p_step::int - 1)
                ELSE d.body::json -> 'steps' -> (p_step::int - 1) -> 'kegiatan' -> (p_sub::int - 1) END
           -> 'decision' -> 'outcomes') WITH ORDINALITY AS x(k, n)
   WHERE d.digest = p_digest
$$;

-- The documents of an action as its event records them (name, filename, size, sha256).
CREATE OR REPLACE FUNCTION sop_documents_meta(p_names text[], p_filenames text[], p_contents bytea[])
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF coalesce(cardinality(p_names), 0) = 0 THEN  -- most actions attach nothing
    RETURN '[]'::jsonb;
  END IF;
  RETURN (SELECT jsonb_agg(jsonb_build_object(
      'name', p_names[i], 'filename', p_filenames[i], 'size', length(p_contents[i]),
      'sha256', encode(sha256(p_contents[i]), 'hex')) ORDER BY i)
    FROM generate_subscripts(p_names, 1) AS i);
END $$;

-- What one action may record: the limits of runner/store/limits.py, filled in (as check_write there).
CREATE OR REPLACE FUNCTION sop_check_limits(
  p_at_text text, p_at timestamptz, p_note text, p_title text, p_names text[], p_filenames text[], p_contents bytea[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  i integer;
BEGIN
  IF p_at < '{earliest}'::timestamptz OR p_at >= '{latest}'::timestamptz THEN
    PERFORM sop_refuse('time-out-of-range', format('the time %s lies before 1970 or far ahead', p_at_text),
      jsonb_build_object('at', p_at_text));
  END IF;
  IF length(p_note) > {limit_note_chars} THEN
    PERFORM sop_refuse('note-too-long', format('the note has %s characters', length(p_note)),
      jsonb_build_object('length', length(p_note), 'limit', {limit_note_chars}));
  END IF;
  IF length(p_title) > {limit_title_chars} THEN
    PERFORM sop_refuse('title-too-long', format('the title has %s characters', length(p_title)),
      jsonb_build_object('length', length(p_title), 'limit', {limit_title_chars}));
  END IF;
  IF coalesce(cardinality(p_names), 0) = 0 THEN  -- most actions attach nothing
    RETURN;
  END IF;
  IF cardinality(p_names) > {limit_documents} THEN
    PERFORM sop_refuse('too-many-documents', format('%s documents in one action', cardinality(p_names)),
      jsonb_build_object('count', cardinality(p_names), 'limit', {limit_documents}));
  END IF;
  FOR i IN 1 .. cardinality(p_names) LOOP
    IF length(p_names[i]) > {limit_name_chars} OR length(p_filenames[i]) > {limit_name_chars} THEN
      PERFORM sop_refuse('document-name-too-long', 'a document''s name or file name is too long',
        jsonb_build_object('length', greatest(length(p_names[i]), length(p_filenames[i])), 'limit', {limit_name_chars}));
    END IF;
    IF length(p_contents[i]) > {limit_attachment_mb} * 1048576 THEN
      PERFORM sop_refuse('document-too-large', format('the document %L is %s bytes', p_names[i], length(p_contents[i])),
        jsonb_build_object('name', p_names[i], 'size_mb', round(length(p_contents[i]) / 1048576.0, 1),
          'limit_mb', {limit_attachment_mb}));
    END IF;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION sop_write_event(
  e events, p_names text[], p_filenames text[], p_contents bytea[]
) RETURNS events LANGUAGE plpgsql AS $$
BEGIN
  e.hash := sop_event_hash(e);
  INSERT INTO events VALUES (e.*);
  IF coalesce(cardinality(p_names), 0) > 0 THEN
    INSERT INTO documents (case_id, seq, name, step, filename, size, sha256, content)
      SELECT e.case_id, e.seq, p_names[i], e.step, p_filenames[i], length(p_contents[i]),
             encode(sha256(p_contents[i]), 'hex'), p_contents[i]
        FROM generate_subscripts(p_names, 1) AS i;
  END IF;
  RETURN e;
END $$;

-- One action on an open case: advance, attach or cancel.
CREATE OR REPLACE FUNCTION sop_act(
  p_request text, p_case text, p_seq integer, p_action text, p_role text, p_outcome text, p_note text,
  p_data text, p_at text, p_backdated boolean, p_for text, p_available text,
  p_doc_names text[], p_doc_filenames text[], p_doc_contents bytea[]
) RETURNS cases LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_now timestamptz := clock_timestamp();  -- now() is the start of the caller's transaction
  v_at timestamptz := p_at::timestamptz;
  v_data jsonb := p_data::jsonb;
  v_case cases;
  v_def jsonb;
  v_tz text;
  v_step jsonb;
  v_index bigint;
  v_sub bigint;
  v_following text;
  v_pelaksana jsonb;
  v_target text;
  v_status text;
  v_new_step text;
  v_moved boolean;
  v_who record;
  v_event events;
BEGIN
  -- (a request id is unique: the same action written twice fails on the sequence number, or on
  -- events_request; after a lost connection the client asks whether it landed)
  PERFORM sop_guard_session();
  IF p_note IS NOT NULL OR cardinality(p_doc_names) > 0 OR v_at < '{earliest}' OR v_at >= '{latest}' THEN
    PERFORM sop_check_limits(p_at, v_at, p_note, NULL, p_doc_names, p_doc_filenames, p_doc_contents);
  END IF;
  SELECT * INTO v_case FROM cases WHERE id = p_case FOR UPDATE SKIP LOCKED;  -- sop_lock_case's quick path
  IF NOT FOUND THEN
    v_case := sop_lock_case(p_case);
  END IF;
  IF v_case.id IS NULL THEN
    PERFORM sop_refuse('unknown-case', format('no case %L', p_case), jsonb_build_object('case', p_case));
  END IF;
  IF v_case.seq <> p_seq THEN
    PERFORM sop_refuse('concurrent-change', format('case %s was changed by someone else just now', p_case),
      jsonb_build_object('case', p_case));
  END IF;
  IF v_case.status <> 'open' THEN
    PERFORM sop_refuse('case-closed', format('case %s is %s', p_case, v_case.status),
      jsonb_build_object('case', p_case, 'status', v_case.status));
  END IF;
  SELECT body::jsonb INTO v_def FROM definitions WHERE digest = v_case.definition;
  v_tz := coalesce(v_def #>> '{calendar,timezone}', '{default_timezone}');
  PERFORM sop_check_time(v_at, p_backdated, v_case.updated_at, v_now);
  -- the post is checked at the moment of writing, unless the time is given (back-dated)
  SELECT * INTO v_who FROM sop_authorize(p_for, CASE WHEN p_action = 'advance' THEN p_role END, v_case.sop, v_tz,
    CASE WHEN p_backdated THEN v_at ELSE v_now END);

  -- the transition, from the stored definition (as runner/cases/engine.py builds it)
  SELECT body, row_no, sub, following INTO v_step, v_index, v_sub, v_following FROM sop_states(v_def)
   WHERE state = v_case.step;
  v_status := 'open';
  v_new_step := v_case.step;
  IF p_action = 'advance' THEN
    v_pelaksana := CASE jsonb_typeof(v_step -> 'pelaksana')
                     WHEN 'string' THEN jsonb_build_array(v_step -> 'pelaksana') ELSE v_step -> 'pelaksana' END;
    IF p_role IS NULL OR NOT v_pelaksana @> to_jsonb(p_role) THEN
      PERFORM sop_refuse('wrong-pelaksana', format('step %s is done by %s, not %s', v_case.step, v_pelaksana, p_role),
        jsonb_build_object('role', p_role, 'step', v_index, 'step_id', v_case.step, 'pelaksana', v_pelaksana));
    END IF;
    IF v_step -> 'decision' IS NOT NULL THEN
      v_target := sop_state_of(v_def, v_step -> 'decision' -> 'outcomes' ->> p_outcome);
      IF p_outcome IS NULL THEN
        PERFORM sop_refuse('outcome-missing', format('step %s is a decision; give its outcome', v_case.step),
          jsonb_build_object('step', v_index, 'outcomes', sop_outcomes(v_case.definition, v_index, v_sub),
            'question', coalesce(v_step -> 'decision' ->> 'question', v_step ->> 'uraian')));
      END IF;
      IF v_target IS NULL THEN
        PERFORM sop_refuse('outcome-unknown', format('%L is not an outcome of step %s', p_outcome, v_case.step),
          jsonb_build_object('outcome', p_outcome, 'step', v_index, 'outcomes', sop_outcomes(v_case.definition, v_index, v_sub)));
      END IF;
    ELSE
      IF p_outcome IS NOT NULL THEN
        PERFORM sop_refuse('not-a-decision', format('step %s is not a decision', v_case.step),
          jsonb_build_object('step', v_index));
      END IF;
      v_target := sop_state_of(v_def, coalesce(v_step ->> 'next', v_following));
    END IF;
    IF v_target = 'end' THEN
      v_status := 'done';
      v_new_step := NULL;
    ELSE
      v_new_step := v_target;
    END IF;
  ELSIF p_action IN ('attach', 'cancel') AND p_role IS NULL AND p_outcome IS NULL THEN
    IF p_action = 'cancel' THEN
      PERFORM sop_check_cancel(v_who.holder, p_case, v_case.step,
        coalesce(v_def -> 'cancel_by', sop_step_pelaksana(v_def, v_case.step)),  -- the SOP's cancel_by, else the step's
        v_case.sop, v_tz, CASE WHEN p_backdated THEN v_at ELSE v_now END, v_def -> 'cancel_by' IS NOT NULL);
      v_status := 'cancelled';
      v_new_step := NULL;
    END IF;
  ELSE
    PERFORM sop_refuse('bad-action', format('%L with role %L and outcome %L is not an action', p_action, p_role, p_outcome),
      jsonb_build_object('action', p_action, 'role', p_role, 'outcome', p_outcome));
  END IF;
  v_moved := v_status <> v_case.status OR v_new_step IS DISTINCT FROM v_case.step;

  -- what the client computed: checked as far as SQL can (case verify replays the rest). The
  -- data records the documents, and a moving event the deadline of the step entered, which
  -- becomes the case's (runner/cases/service.py row_after: the rule verify replays)
  IF v_data - 'deadline' IS DISTINCT FROM jsonb_build_object(
       'documents', sop_documents_meta(p_doc_names, p_doc_filenames, p_doc_contents)) THEN
    PERFORM sop_refuse('bad-data', 'the event''s data does not match its documents', '{}'::jsonb);
  END IF;
  PERFORM sop_check_deadline(v_data, v_moved, v_status, v_at,
    v_moved AND v_status = 'open' AND v_sub > 0
      AND EXISTS (SELECT 1 FROM sop_states(v_def) x WHERE x.state = v_new_step AND x.row_no = v_index),
    v_case.deadline);
  IF jsonb_typeof(p_available::jsonb) <> 'array' OR NOT p_available::jsonb @> v_case.available::jsonb THEN
    PERFORM sop_refuse('bad-available', 'documents at hand never go away', '{}'::jsonb);
  END IF;

  v_event.case_id := p_case;
  v_event.seq := v_case.seq + 1;
  v_event.at := sop_iso(v_at);
  v_event.action := p_action;
  v_event.step := v_case.step;
  v_event.outcome := p_outcome;
  v_event.role := p_role;
  v_event.operator := sop_me();
  v_event.note := p_note;
  v_event.data := p_data;
  v_event.prev_hash := v_case.head;
  v_event.holder := v_who.holder;
  v_event.acting := v_who.acting;
  v_event.recorded_at := sop_iso(v_now);
  v_event.backdated := p_backdated::int;
  v_event.request := p_request;
  v_event.format := 2;
  v_event := sop_write_event(v_event, p_doc_names, p_doc_filenames, p_doc_contents);

  UPDATE cases SET
    status = v_status,
    step = v_new_step,
    entered_at = CASE WHEN v_moved THEN sop_iso(v_at) ELSE entered_at END,
    deadline = CASE WHEN v_moved THEN v_data ->> 'deadline' ELSE deadline END,
    available = p_available,
    seq = v_event.seq,
    head = v_event.hash,
    updated_at = sop_iso(v_at)
  WHERE id = p_case
  RETURNING * INTO v_case;
  RETURN v_case;
END $$;

-- Void a case's last action that stands (a wrong entry): the event appended names it (data.voids) and why
-- (the note); the case row goes back to where it stood before it, as the client computed it from the
-- events (p_step, p_entered_at, p_deadline, p_available: checked here as far as SQL can, replayed by case
-- verify). Allowed to an administrator, the holder of a post of the voided action's step, and, within
-- {void_soon_hours} hours, the login that recorded it. Mirrors SQLStore._check_void and PeopleStore.check_void.
CREATE OR REPLACE FUNCTION sop_void(
  p_request text, p_case text, p_seq integer, p_note text, p_data text, p_at text, p_backdated boolean,
  p_for text, p_status text, p_step text, p_entered_at text, p_deadline text, p_available text
) RETURNS cases LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_at timestamptz := p_at::timestamptz;
  v_data jsonb := p_data::jsonb;
  v_case cases;
  v_def jsonb;
  v_tz text;
  v_target integer;
  v_last integer;
  v_voided events;
  v_entering events;
  v_pelaksana jsonb;
  v_who record;
  v_event events;
BEGIN
  PERFORM sop_guard_session();
  PERFORM sop_check_limits(p_at, v_at, p_note, NULL, NULL, NULL, NULL);
  v_case := sop_lock_case(p_case);
  IF v_case.id IS NULL THEN
    PERFORM sop_refuse('unknown-case', format('no case %L', p_case), jsonb_build_object('case', p_case));
  END IF;
  IF v_case.seq <> p_seq THEN
    PERFORM sop_refuse('concurrent-change', format('case %s was changed by someone else just now', p_case),
      jsonb_build_object('case', p_case));
  END IF;
  IF coalesce(btrim(p_note), '') = '' THEN
    PERFORM sop_refuse('bad-data', 'a void gives its reason', '{}'::jsonb);
  END IF;
  SELECT body::jsonb INTO v_def FROM definitions WHERE digest = v_case.definition;
  v_tz := coalesce(v_def #>> '{calendar,timezone}', '{default_timezone}');
  PERFORM sop_check_time(v_at, p_backdated, v_case.updated_at, v_now);
  SELECT * INTO v_who FROM sop_authorize(p_for, NULL, v_case.sop, v_tz, CASE WHEN p_backdated THEN v_at ELSE v_now END);

  -- the last action that stands: neither a void nor voided
  SELECT max(e.seq) INTO v_last FROM events e
   WHERE e.case_id = p_case AND e.action <> 'void'
     AND NOT EXISTS (SELECT 1 FROM events v WHERE v.case_id = p_case AND v.action = 'void'
                       AND (v.data::jsonb ->> 'voids')::int = e.seq);
  IF v_last <= 1 THEN
    PERFORM sop_refuse('nothing-to-void', format('case %s has no action left to void but its start', p_case),
      jsonb_build_object('case', p_case));
  END IF;
  v_target := (v_data ->> 'voids')::int;
  IF v_data IS DISTINCT FROM jsonb_build_object('documents', '[]'::jsonb, 'voids', v_target) THEN
    PERFORM sop_refuse('bad-data', 'a void''s data names the event it voids, and nothing else', '{}'::jsonb);
  END IF;
  IF v_target <> v_last THEN
    PERFORM sop_refuse('void-not-last', format('event #%s of case %s is not its last action that stands', v_target, p_case),
      jsonb_build_object('case', p_case, 'seq', v_target, 'last', v_last));
  END IF;
  SELECT * INTO v_voided FROM events WHERE case_id = p_case AND seq = v_target;
  IF v_voided.action = 'migrate' THEN  -- the move stands: a void never goes back across it
    PERFORM sop_refuse('void-across-migration',
      format('the last action of case %s that stands is its move to another version (#%s)', p_case, v_target),
      jsonb_build_object('case', p_case, 'seq', v_target, 'version', v_voided.data::jsonb ->> 'to_version'));
  END IF;
  v_pelaksana := sop_step_pelaksana(v_def, v_voided.step);
  IF v_who.holder IS NOT NULL
     AND NOT sop_admin_or_holder(v_who.holder, v_pelaksana, v_case.sop, v_tz, CASE WHEN p_backdated THEN v_at ELSE v_now END)
     AND NOT (v_voided.operator = sop_me() AND v_voided.recorded_at IS NOT NULL
              AND v_now <= v_voided.recorded_at::timestamptz + interval '{void_soon_hours} hours') THEN
    PERFORM sop_refuse('not-allowed-to-void',
      format('%s may not void event #%s of case %s', v_who.holder, v_target, p_case),
      jsonb_build_object('login', v_who.holder, 'case', p_case, 'seq', v_target, 'pelaksana', sop_list(v_pelaksana),
        'hours', {void_soon_hours}));
  END IF;
  -- where the case stood before the voided action: open, at its step, entered with the last moving action
  -- that stands before it (the one whose data records a deadline), and fewer documents at hand at most
  SELECT e.* INTO v_entering FROM events e
   WHERE e.case_id = p_case AND e.seq < v_target AND e.action <> 'void' AND (e.data::jsonb -> 'deadline') IS NOT NULL  -- the key, even when null (no question marks here)
     AND NOT EXISTS (SELECT 1 FROM events v WHERE v.case_id = p_case AND v.action = 'void'
                       AND (v.data::jsonb ->> 'voids')::int = e.seq)
   ORDER BY e.seq DESC LIMIT 1;
  -- (a move to another version keeps the time the step was entered: its data records it)
  IF p_status <> 'open' OR p_step IS DISTINCT FROM v_voided.step
     OR p_entered_at IS DISTINCT FROM coalesce(v_entering.data::jsonb ->> 'entered_at', v_entering.at)
     OR p_deadline IS DISTINCT FROM v_entering.data::jsonb ->> 'deadline'
     OR jsonb_typeof(p_available::jsonb) <> 'array' OR NOT v_case.available::jsonb @> p_available::jsonb THEN
    PERFORM sop_refuse('bad-data', 'a void brings the case back to where it stood before the action it voids', '{}'::jsonb);
  END IF;

  v_event.case_id := p_case;
  v_event.seq := v_case.seq + 1;
  v_event.at := sop_iso(v_at);
  v_event.action := 'void';
  v_event.step := v_case.step;
  v_event.operator := sop_me();
  v_event.note := p_note;
  v_event.data := p_data;
  v_event.prev_hash := v_case.head;
  v_event.holder := v_who.holder;
  v_event.acting := v_who.acting;
  v_event.recorded_at := sop_iso(v_now);
  v_event.backdated := p_backdated::int;
  v_event.request := p_request;
  v_event.format := 2;
  v_event := sop_write_event(v_event, NULL, NULL, NULL);

  UPDATE cases SET status = 'open', step = p_step, entered_at = p_entered_at, deadline = p_deadline,
         available = p_available, seq = v_event.seq, head = v_event.hash, updated_at = sop_iso(v_at)
   WHERE id = p_case RETURNING * INTO v_case;
  RETURN v_case;
END $$;

-- Move an open case to another version of its SOP (p_digest, new to the store: registered with it): the
-- event appended records both versions, the step map and both steps (data: from, from_version, to,
-- to_version, map, to_step, entered_at, deadline); the case stands at the step the map names for its
-- step, else at the one of the same id, entered when it entered its step, with the new step's deadline
-- (its waktu on the working calendar: replayed by case verify). Only an administrator, once posts are
-- enforced; onto the version in force today, once the SOP has a pengesahan. Several calls in one
-- transaction move several cases, all or none. Mirrors SQLStore.migrate_cases.
CREATE OR REPLACE FUNCTION sop_migrate(
  p_request text, p_case text, p_seq integer, p_note text, p_data text, p_at text,
  p_digest text, p_version text, p_body text, p_source text
) RETURNS cases LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_at timestamptz := p_at::timestamptz;
  v_data jsonb := p_data::jsonb;
  v_case cases;
  v_old jsonb;
  v_new jsonb;
  v_known boolean;
  v_tz text;
  v_step text;
  v_who record;
  v_event events;
BEGIN
  PERFORM sop_guard_session();
  PERFORM sop_check_limits(p_at, v_at, p_note, NULL, NULL, NULL, NULL);
  v_case := sop_lock_case(p_case);
  IF v_case.id IS NULL THEN
    PERFORM sop_refuse('unknown-case', format('no case %L', p_case), jsonb_build_object('case', p_case));
  END IF;
  IF v_case.seq <> p_seq THEN
    PERFORM sop_refuse('concurrent-change', format('case %s was changed by someone else just now', p_case),
      jsonb_build_object('case', p_case));
  END IF;
  SELECT body::jsonb INTO v_new FROM definitions WHERE digest = p_digest;
  v_known := FOUND;
  IF NOT v_known THEN
    v_new := p_body::jsonb;
  END IF;
  v_tz := coalesce(v_new #>> '{calendar,timezone}', '{default_timezone}');
  PERFORM sop_check_time(v_at, false, v_case.updated_at, v_now);
  SELECT * INTO v_who FROM sop_authorize(NULL, NULL, v_case.sop, v_tz, v_now);
  IF v_who.holder IS NOT NULL AND NOT EXISTS (SELECT 1 FROM people WHERE login = sop_me() AND admin = 1) THEN
    PERFORM sop_refuse('not-admin-to-migrate', format('%s is not an admin of this store', sop_me()),
      jsonb_build_object('login', sop_me()));
  END IF;
  IF v_case.status <> 'open' THEN
    PERFORM sop_refuse('case-closed', format('case %s is %s', p_case, v_case.status),
      jsonb_build_object('case', p_case, 'status', v_case.status));
  END IF;
  IF NOT v_known THEN
    IF encode(sha256(convert_to(p_body, 'UTF8')), 'hex') <> p_digest
       OR v_new ->> 'id' IS DISTINCT FROM v_case.sop OR v_new ->> 'version' IS DISTINCT FROM p_version THEN
      PERFORM sop_refuse('bad-definition', 'the definition does not match its digest, id or version', '{}'::jsonb);
    END IF;
    INSERT INTO definitions (digest, sop, version, body, source) VALUES (p_digest, v_case.sop, p_version, p_body, p_source);
  ELSIF v_new ->> 'id' IS DISTINCT FROM v_case.sop OR v_new ->> 'version' IS DISTINCT FROM p_version THEN
    PERFORM sop_refuse('bad-definition', 'the definition is of another SOP or version', '{}'::jsonb);
  END IF;
  IF v_case.definition = p_digest THEN
    PERFORM sop_refuse('migrate-same-version', format('case %s follows version %s already', p_case, p_version),
      jsonb_build_object('case', p_case, 'version', p_version));
  END IF;
  PERFORM sop_check_in_force(v_case.sop, p_digest, p_version, to_char(v_now AT TIME ZONE v_tz, 'YYYY-MM-DD'));
  SELECT body::jsonb INTO v_old FROM definitions WHERE digest = v_case.definition;

  -- the step: the map's counterpart of the case's step, else the step of the same id
  IF jsonb_typeof(v_data -> 'map') IS DISTINCT FROM 'object' THEN
    PERFORM sop_refuse('bad-data', 'a move records its step map', '{}'::jsonb);
  END IF;
  v_step := coalesce(v_data -> 'map' ->> v_case.step, v_case.step);
  IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(v_new -> 'steps') AS x(s) WHERE s ->> 'id' = v_step) THEN
    IF (v_data -> 'map' -> v_case.step) IS NOT NULL THEN
      PERFORM sop_refuse('migrate-unknown-step', format('the step map names %L, which is no step of the version', v_step),
        jsonb_build_object('step', v_step, 'version', p_version, 'sop', v_case.sop));
    END IF;
    PERFORM sop_refuse('migrate-no-counterpart',
      format('case %s stands at step %L, which version %s does not have', p_case, v_case.step, p_version),
      jsonb_build_object('case', p_case, 'step', v_case.step, 'version', p_version, 'sop', v_case.sop));
  END IF;
  IF v_data - 'deadline' - 'map' IS DISTINCT FROM jsonb_build_object('documents', '[]'::jsonb,
       'from', v_case.definition, 'from_version', v_old ->> 'version', 'to', p_digest, 'to_version', p_version,
       'to_step', v_step, 'entered_at', v_case.entered_at) THEN
    PERFORM sop_refuse('bad-data', 'a move records both versions, both steps and when the step was entered', '{}'::jsonb);
  END IF;
  IF (v_data -> 'deadline') IS NULL OR jsonb_typeof(v_data -> 'deadline') NOT IN ('null', 'string') THEN
    PERFORM sop_refuse('bad-deadline', 'a move records the deadline of the step it stands at', '{}'::jsonb);
  END IF;
  IF jsonb_typeof(v_data -> 'deadline') = 'string' THEN
    IF v_data ->> 'deadline' !~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$'
       OR sop_iso((v_data ->> 'deadline')::timestamptz) <> v_data ->> 'deadline'
       OR (v_data ->> 'deadline')::timestamptz < v_case.entered_at::timestamptz THEN
      PERFORM sop_refuse('bad-deadline', 'a deadline is a stored time, after the step is entered', '{}'::jsonb);
    END IF;
  END IF;

  v_event.case_id := p_case;
  v_event.seq := v_case.seq + 1;
  v_event.at := sop_iso(v_at);
  v_event.action := 'migrate';
  v_event.step := v_case.step;
  v_event.operator := sop_me();
  v_event.note := p_note;
  v_event.data := p_data;
  v_event.prev_hash := v_case.head;
  v_event.holder := v_who.holder;
  v_event.acting := v_who.acting;
  v_event.recorded_at := sop_iso(v_now);
  v_event.backdated := 0;
  v_event.request := p_request;
  v_event.format := 2;
  v_event := sop_write_event(v_event, NULL, NULL, NULL);

  UPDATE cases SET definition = p_digest, step = v_step, deadline = v_data ->> 'deadline',
         seq = v_event.seq, head = v_event.hash, updated_at = sop_iso(v_at)
   WHERE id = p_case RETURNING * INTO v_case;
  RETURN v_case;
END $$;

-- A case of p_sop starts on p_day only on the version in force then, once a version of it is disahkan in
-- this store (before that, on any version). Mirrors SQLStore.check_in_force.
CREATE OR REPLACE FUNCTION sop_check_in_force(p_sop text, p_digest text, p_version text, p_day text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_current record;  -- (not the table's type: earlier migrations make this function before the table)
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pengesahan WHERE sop = p_sop) THEN
    RETURN;
  END IF;
  SELECT * INTO v_current FROM pengesahan WHERE sop = p_sop AND tanggal_efektif <= p_day
   ORDER BY tanggal_efektif DESC LIMIT 1;
  IF NOT FOUND THEN
    PERFORM sop_refuse('not-yet-in-force', format('SOP %s has no version in force on %s', p_sop, p_day),
      jsonb_build_object('sop', p_sop, 'day', p_day,
        'start', (SELECT min(tanggal_efektif) FROM pengesahan WHERE sop = p_sop)));
  END IF;
  IF v_current.digest <> p_digest THEN
    PERFORM sop_refuse('version-not-in-force',
      format('version %s of SOP %s is not in force on %s; version %s is', p_version, p_sop, p_day, v_current.version),
      jsonb_build_object('sop', p_sop, 'version', p_version, 'day', p_day, 'in_force', v_current.version,
        'since', v_current.tanggal_efektif));
  END IF;
END $$;

-- The pengesahan of a version of p_sop: signed by the holder (sop_me(), or p_for recorded by one who may
-- record for others) of the post the definition's identity.disahkan_oleh names, on p_day (NULL: today);
-- in force from its tanggal_efektif. A definition new to the store is registered with it. Mirrors
-- SQLStore.sahkan; the facts are read from the definition itself, never taken from the client. It returns
-- the new row's id (a function made before the table, by an earlier migration, cannot return its type).
CREATE OR REPLACE FUNCTION sop_sahkan(
  p_sop text, p_digest text, p_version text, p_body text, p_source text, p_day text, p_for text, p_efektif text
) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_def jsonb;
  v_tz text;
  v_today text;
  v_day text;
  v_jabatan text;
  v_post text;
  v_efektif text;
  v_who record;
  v_other record;
  v_row record;
BEGIN
  PERFORM sop_guard_session();
  PERFORM sop_lock('sop:' || p_sop);
  IF NOT EXISTS (SELECT 1 FROM people) THEN
    PERFORM sop_refuse('pengesahan-needs-people', 'nobody is registered in this store yet', '{}'::jsonb);
  END IF;
  SELECT body::jsonb INTO v_def FROM definitions WHERE digest = p_digest;
  IF NOT FOUND THEN
    v_def := p_body::jsonb;
    IF encode(sha256(convert_to(p_body, 'UTF8')), 'hex') <> p_digest
       OR v_def ->> 'id' IS DISTINCT FROM p_sop OR v_def ->> 'version' IS DISTINCT FROM p_version THEN
      PERFORM sop_refuse('bad-definition', 'the definition does not match its digest, id or version', '{}'::jsonb);
    END IF;
  ELSIF v_def ->> 'id' IS DISTINCT FROM p_sop OR v_def ->> 'version' IS DISTINCT FROM p_version THEN
    PERFORM sop_refuse('bad-definition', 'the definition is of another SOP or version', '{}'::jsonb);
  END IF;
  v_tz := coalesce(v_def #>> '{calendar,timezone}', '{default_timezone}');
  v_today := to_char(v_now AT TIME ZONE v_tz, 'YYYY-MM-DD');
  v_day := coalesce(p_day, v_today);
  IF v_day !~ '^\d{4}-\d\d-\d\d$' THEN
    PERFORM sop_refuse('bad-date', 'dates are YYYY-MM-DD', jsonb_build_object('text', v_day));
  END IF;
  IF v_day > v_today THEN
    PERFORM sop_refuse('day-in-future', format('the day %s lies in the future', v_day), jsonb_build_object('day', v_day));
  END IF;
  -- the signer's post: the pelaksana the identity's jabatan names, by id, nama or singkatan (SOP.signer_post)
  v_jabatan := v_def #>> '{identity,disahkan_oleh,jabatan}';
  SELECT p ->> 'id' INTO v_post FROM jsonb_array_elements(v_def -> 'pelaksana') WITH ORDINALITY AS x(p, i)
   WHERE lower(regexp_replace(btrim(v_jabatan), '\s+', ' ', 'g')) IN (
           lower(regexp_replace(btrim(p ->> 'id'), '\s+', ' ', 'g')),
           lower(regexp_replace(btrim(p ->> 'nama'), '\s+', ' ', 'g')),
           lower(regexp_replace(btrim(coalesce(p ->> 'singkatan', '')), '\s+', ' ', 'g')))
   ORDER BY i LIMIT 1;
  IF v_post IS NULL THEN
    PERFORM sop_refuse('no-signer', format('version %s of SOP %s names no signer among its pelaksana', p_version, p_sop),
      jsonb_build_object('sop', p_sop, 'version', p_version, 'jabatan', coalesce(v_jabatan, '')));
  END IF;
  -- the day it takes force: the definition's date (runner/definition/dates.py: a month alone means its first
  -- day); one in words ("1 Agustus 2026"), as the client read it, when it is a day of the text's year
  v_efektif := btrim(v_def #>> '{identity,tanggal_efektif}');
  IF v_efektif IS NULL OR p_efektif IS NULL OR p_efektif !~ '^\d{4}-\d\d-\d\d$' THEN
    PERFORM sop_refuse('no-tanggal-efektif', format('version %s of SOP %s gives no tanggal_efektif', p_version, p_sop),
      jsonb_build_object('sop', p_sop, 'version', p_version));
  END IF;
  IF v_efektif ~ '^\d{4}-\d{1,2}(-\d{1,2})$' OR v_efektif ~ '^\d{4}-\d{1,2}$' THEN
    v_efektif := to_char(make_date(split_part(v_efektif, '-', 1)::int, split_part(v_efektif, '-', 2)::int,
      coalesce(nullif(split_part(v_efektif, '-', 3), '')::int, 1)), 'YYYY-MM-DD');
  ELSIF position(left(p_efektif, 4) in v_efektif) = 0 THEN
    v_efektif := NULL;
  ELSE
    v_efektif := p_efektif;
  END IF;
  IF v_efektif IS DISTINCT FROM p_efektif THEN
    PERFORM sop_refuse('bad-definition', 'the tanggal_efektif is not the definition''s', '{}'::jsonb);
  END IF;
  SELECT * INTO v_who FROM sop_authorize(p_for, v_post, p_sop, v_tz,
    CASE WHEN p_day IS NULL THEN v_now ELSE (v_day || ' 12:00')::timestamp AT TIME ZONE v_tz END);
  IF v_efektif < v_day THEN
    PERFORM sop_refuse('efektif-before-signed', format('the tanggal_efektif %s is before the day it is signed', v_efektif),
      jsonb_build_object('efektif', v_efektif, 'day', v_day));
  END IF;
  FOR v_other IN SELECT * FROM pengesahan WHERE sop = p_sop ORDER BY tanggal_efektif LOOP
    IF v_other.digest = p_digest THEN
      PERFORM sop_refuse('already-disahkan', format('version %s of SOP %s is disahkan already', p_version, p_sop),
        jsonb_build_object('sop', p_sop, 'version', p_version, 'day', v_other.signed_on));
    END IF;
    IF v_other.version = p_version THEN
      PERFORM sop_refuse('version-text-differs', format('another text of version %s of SOP %s is disahkan', p_version, p_sop),
        jsonb_build_object('sop', p_sop, 'version', p_version));
    END IF;
    IF v_other.tanggal_efektif = v_efektif THEN
      PERFORM sop_refuse('efektif-taken', format('version %s of SOP %s takes force on %s already', v_other.version, p_sop, v_efektif),
        jsonb_build_object('sop', p_sop, 'other', v_other.version, 'efektif', v_efektif));
    END IF;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM definitions WHERE digest = p_digest) THEN
    INSERT INTO definitions (digest, sop, version, body, source) VALUES (p_digest, p_sop, p_version, p_body, p_source);
  END IF;
  INSERT INTO pengesahan (sop, version, digest, nomor, tanggal_efektif, jabatan, signer, acting, signed_on,
                          recorded_by, recorded_at)
  VALUES (p_sop, p_version, p_digest, v_def #>> '{identity,nomor}', v_efektif, v_post, v_who.holder, v_who.acting,
          v_day, sop_me(), sop_iso(v_now))
  RETURNING * INTO v_row;
  RETURN v_row.id;
END $$;

-- A new case of p_sop, numbered here, with its start event; a definition new to the
-- store is registered with it (by an admin, once posts are enforced).
CREATE OR REPLACE FUNCTION sop_start(
  p_request text, p_sop text, p_digest text, p_version text, p_body text, p_source text, p_title text,
  p_data text, p_at text, p_backdated boolean, p_for text, p_available text,
  p_doc_names text[], p_doc_filenames text[], p_doc_contents bytea[]
) RETURNS cases LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_now timestamptz := clock_timestamp();  -- now() is the start of the caller's transaction
  v_at timestamptz := p_at::timestamptz;
  v_data jsonb := p_data::jsonb;
  v_case cases;
  v_def jsonb;
  v_tz text;
  v_known boolean;
  v_who record;
  v_event events;
BEGIN
  PERFORM sop_guard_session();
  PERFORM sop_check_limits(p_at, v_at, NULL, p_title, p_doc_names, p_doc_filenames, p_doc_contents);
  PERFORM sop_lock('sop:' || p_sop);
  SELECT body::jsonb INTO v_def FROM definitions WHERE digest = p_digest;
  v_known := FOUND;
  IF NOT v_known THEN
    v_def := p_body::jsonb;
  END IF;
  v_tz := coalesce(v_def #>> '{calendar,timezone}', '{default_timezone}');
  PERFORM sop_check_time(v_at, p_backdated, NULL, v_now);
  SELECT * INTO v_who FROM sop_authorize(p_for, NULL, p_sop, v_tz, CASE WHEN p_backdated THEN v_at ELSE v_now END);
  PERFORM sop_check_in_force(p_sop, p_digest, p_version, to_char(v_at AT TIME ZONE v_tz, 'YYYY-MM-DD'));
  IF NOT v_known THEN
    IF EXISTS (SELECT 1 FROM people)
       AND NOT EXISTS (SELECT 1 FROM people WHERE login = sop_me() AND admin = 1) THEN
      PERFORM sop_refuse('definition-unregistered',
        format('version %s of SOP %s is new to this store; only an admin may start its first case', p_version, p_sop),
        jsonb_build_object('sop', p_sop, 'version', p_version));
    END IF;
    IF encode(sha256(convert_to(p_body, 'UTF8')), 'hex') <> p_digest
       OR v_def ->> 'id' IS DISTINCT FROM p_sop OR v_def ->> 'version' IS DISTINCT FROM p_version THEN
      PERFORM sop_refuse('bad-definition', 'the definition does not match its digest, id or version', '{}'::jsonb);
    END IF;
    INSERT INTO definitions (digest, sop, version, body, source) VALUES (p_digest, p_sop, p_version, p_body, p_source);
  ELSIF v_def ->> 'id' IS DISTINCT FROM p_sop THEN
    PERFORM sop_refuse('bad-definition', 'the definition is of another SOP', '{}'::jsonb);
  END IF;
  IF v_data - 'deadline' IS DISTINCT FROM jsonb_build_object('definition', p_digest, 'title', p_title,
       'documents', sop_documents_meta(p_doc_names, p_doc_filenames, p_doc_contents)) THEN
    PERFORM sop_refuse('bad-data', 'the event''s data does not match its documents', '{}'::jsonb);
  END IF;
  PERFORM sop_check_deadline(v_data, true, 'open', v_at, false, NULL);
  IF jsonb_typeof(p_available::jsonb) <> 'array' THEN
    PERFORM sop_refuse('bad-available', 'documents at hand are a list', '{}'::jsonb);
  END IF;

  v_case.sop := p_sop;
  SELECT coalesce(max(number), 0) + 1 INTO v_case.number FROM cases WHERE sop = p_sop;
  v_case.id := p_sop || '-' || v_case.number;
  v_case.title := p_title;
  v_case.definition := p_digest;
  v_case.status := 'open';
  v_case.step := (SELECT state FROM sop_states(v_def) ORDER BY row_no, sub LIMIT 1);
  v_case.entered_at := sop_iso(v_at);
  v_case.deadline := v_data ->> 'deadline';
  v_case.available := p_available;
  v_case.seq := 1;
  v_case.created_at := sop_iso(v_at);
  v_case.updated_at := sop_iso(v_at);

  v_event.case_id := v_case.id;
  v_event.seq := 1;
  v_event.at := sop_iso(v_at);
  v_event.action := 'start';
  v_event.step := v_case.step;
  v_event.operator := sop_me();
  v_event.data := p_data;
  v_event.prev_hash := '{genesis}';  -- runner/store/chain.py GENESIS
  v_event.holder := v_who.holder;
  v_event.acting := v_who.acting;
  v_event.recorded_at := sop_iso(v_now);
  v_event.backdated := p_backdated::int;
  v_event.request := p_request;
  v_event.format := 2;
  v_event.hash := sop_event_hash(v_event);
  v_case.head := v_event.hash;
  INSERT INTO cases VALUES (v_case.*);
  PERFORM sop_write_event(v_event, p_doc_names, p_doc_filenames, p_doc_contents);
  RETURN v_case;
END $$;

-- --- people and posts: an admin's work (mirrors PeopleStore) ------------------------

CREATE OR REPLACE FUNCTION sop_require_admin() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM people WHERE login = sop_me() AND admin = 1) THEN
    PERFORM sop_refuse('not-admin', format('%s is not an admin of this store', sop_me()),
      jsonb_build_object('login', sop_me()));
  END IF;
END $$;

-- An e-mail address, simply (runner/store/rules.py check_email): one @ between two parts without
-- spaces or control characters; NULL or empty is none.
CREATE OR REPLACE FUNCTION sop_check_email(p_email text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(btrim(p_email), '') = '' THEN
    RETURN NULL;
  END IF;
  IF length(btrim(p_email)) > {email_max} OR btrim(p_email) !~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$' THEN
    PERFORM sop_refuse('bad-email', format('%L is not an e-mail address', p_email),
      jsonb_build_object('email', p_email));
  END IF;
  RETURN btrim(p_email);
END $$;

DROP FUNCTION IF EXISTS sop_add_person(text, text, text, boolean, boolean);  -- before the e-mail (schema 13)
CREATE OR REPLACE FUNCTION sop_add_person(
  p_login text, p_nama text, p_nip text, p_admin boolean, p_records boolean, p_email text DEFAULT NULL
) RETURNS people LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_first boolean;
  v_row people;
BEGIN
  PERFORM sop_guard_session();
  PERFORM set_config('sop.actor', sop_me(), true);  -- the people chain's trigger: written by us, for them
  IF EXISTS (SELECT 1 FROM people) THEN
    PERFORM sop_require_admin();  -- before the lock: a refused call holds nothing
  END IF;
  PERFORM sop_lock('people');
  v_first := NOT EXISTS (SELECT 1 FROM people);
  IF v_first AND p_login IS DISTINCT FROM sop_me() THEN
    PERFORM sop_refuse('first-person-self',
      format('the first person registered becomes the admin, so it must be %s, not %L', sop_me(), p_login),
      jsonb_build_object('login', sop_me(), 'person', p_login));
  END IF;
  IF NOT v_first THEN
    PERFORM sop_require_admin();
  END IF;
  IF p_login IS NULL OR p_login !~ '^{login_pattern}$' THEN  -- runner/store/rules.py LOGIN_PATTERN
    PERFORM sop_refuse('bad-login', format('%L cannot be a login', p_login), jsonb_build_object('login', p_login));
  END IF;
  IF coalesce(btrim(p_nama), '') = '' THEN
    PERFORM sop_refuse('nama-missing', 'a person needs a nama', '{}'::jsonb);
  END IF;
  IF length(p_nama) > {limit_name_chars} THEN
    PERFORM sop_refuse('nama-too-long', format('the nama has %s characters', length(p_nama)),
      jsonb_build_object('length', length(p_nama), 'limit', {limit_name_chars}));
  END IF;
  IF EXISTS (SELECT 1 FROM people WHERE login = p_login) THEN
    PERFORM sop_refuse('already-a-person', format('%s is already registered', p_login),
      jsonb_build_object('login', p_login));
  END IF;
  INSERT INTO people (login, nama, nip, admin, records_for_others, added_at, added_by, email)
  VALUES (p_login, p_nama, p_nip, (p_admin OR v_first)::int, p_records::int, sop_iso(clock_timestamp()), sop_me(),
          sop_check_email(p_email))
  RETURNING * INTO v_row;
  RETURN v_row;
END $$;

-- A person's e-mail address: an admin changes anyone's, a person their own (as PeopleStore.set_email).
CREATE OR REPLACE FUNCTION sop_set_email(p_login text, p_email text) RETURNS people
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_row people;
  v_email text := sop_check_email(p_email);
BEGIN
  PERFORM sop_guard_session();
  PERFORM set_config('sop.actor', sop_me(), true);  -- the people chain's trigger: written by us, for them
  IF p_login IS DISTINCT FROM sop_me() AND NOT EXISTS (SELECT 1 FROM people WHERE login = sop_me() AND admin = 1) THEN
    PERFORM sop_refuse('email-not-yours', format('%s may change only their own e-mail address', sop_me()),
      jsonb_build_object('login', sop_me()));
  END IF;
  PERFORM sop_lock('people');
  UPDATE people SET email = v_email WHERE login = p_login RETURNING * INTO v_row;
  IF NOT FOUND THEN
    PERFORM sop_refuse('unknown-person', format('no person %L in this store', p_login),
      jsonb_build_object('login', p_login));
  END IF;
  RETURN v_row;
END $$;

CREATE OR REPLACE FUNCTION sop_set_rights(p_login text, p_admin boolean, p_records boolean) RETURNS people
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_row people;
BEGIN
  PERFORM sop_guard_session();
  PERFORM set_config('sop.actor', sop_me(), true);  -- the people chain's trigger: written by us, for them
  PERFORM sop_require_admin();  -- before the lock: a refused call holds nothing
  PERFORM sop_lock('people');
  SELECT * INTO v_row FROM people WHERE login = p_login;
  IF NOT FOUND THEN
    PERFORM sop_refuse('unknown-person', format('no person %L in this store', p_login),
      jsonb_build_object('login', p_login));
  END IF;
  IF p_admin = false AND v_row.admin = 1
     AND NOT EXISTS (SELECT 1 FROM people WHERE admin = 1 AND login <> p_login) THEN
    PERFORM sop_refuse('last-admin', format('%s is the last admin of this store', p_login),
      jsonb_build_object('login', p_login));
  END IF;
  UPDATE people SET admin = coalesce(p_admin::int, admin), records_for_others = coalesce(p_records::int, records_for_others)
   WHERE login = p_login RETURNING * INTO v_row;
  RETURN v_row;
END $$;

-- Nobody holds a pelaksana twice at once, and two acting appointments of it do not overlap: for a new
-- post (p_post NULL) and for every change of a post's dates (as PeopleStore._check_overlap).
CREATE OR REPLACE FUNCTION sop_check_overlap(
  p_post bigint, p_login text, p_pelaksana text, p_sops text, p_acting text, p_from text, p_until text
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_other posts;
BEGIN
  FOR v_other IN SELECT * FROM posts WHERE pelaksana = p_pelaksana AND id IS DISTINCT FROM p_post ORDER BY valid_from, id LOOP
    CONTINUE WHEN v_other.sops IS NOT NULL AND p_sops IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(v_other.sops::jsonb) a
                       JOIN jsonb_array_elements_text(p_sops::jsonb) b ON a = b);
    CONTINUE WHEN NOT (v_other.valid_from <= coalesce(p_until, '{open_end}')  -- runner/store/rules.py OPEN_END
                       AND p_from <= coalesce(v_other.valid_until, '{open_end}'));
    IF v_other.login = p_login THEN
      PERFORM sop_refuse('already-holds', format('%s already holds %L at that time (post #%s)', p_login, p_pelaksana, v_other.id),
        jsonb_build_object('login', p_login, 'pelaksana', p_pelaksana, 'post', v_other.id));
    END IF;
    IF p_acting IS NOT NULL AND v_other.acting IS NOT NULL THEN
      PERFORM sop_refuse('acting-overlap',
        format('an acting appointment for %L from %s overlaps post #%s', p_pelaksana, p_from, v_other.id),
        jsonb_build_object('pelaksana', p_pelaksana, 'start', p_from, 'post', v_other.id,
          'other', sop_post_title(v_other.pelaksana, v_other.acting) || ': ' || v_other.login,
          'other_start', v_other.valid_from, 'other_until', coalesce(v_other.valid_until, '…')));
    END IF;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION sop_grant_post(
  p_login text, p_pelaksana text, p_sops text, p_acting text, p_from text, p_until text
) RETURNS posts LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_other posts;
  v_row posts;
BEGIN
  IF p_until IS NOT NULL AND p_until < p_from THEN
    PERFORM sop_refuse('post-dates', format('a post cannot end (%s) before it starts (%s)', p_until, p_from),
      jsonb_build_object('start', p_from, 'until', p_until));
  END IF;
  PERFORM sop_guard_session();
  PERFORM set_config('sop.actor', sop_me(), true);  -- the people chain's trigger: written by us, for them
  PERFORM sop_require_admin();  -- before the lock: a refused call holds nothing
  PERFORM sop_lock('people');
  IF NOT EXISTS (SELECT 1 FROM people WHERE login = p_login) THEN
    PERFORM sop_refuse('unknown-person', format('no person %L in this store', p_login),
      jsonb_build_object('login', p_login));
  END IF;
  IF p_acting IS NOT NULL AND p_acting NOT IN ({acting_marks}) THEN
    PERFORM sop_refuse('bad-acting', format('%L is not an acting appointment', p_acting),
      jsonb_build_object('acting', p_acting));
  END IF;
  IF p_from !~ '^\d{4}-\d\d-\d\d$' OR (p_until IS NOT NULL AND p_until !~ '^\d{4}-\d\d-\d\d$') THEN
    PERFORM sop_refuse('bad-date', 'dates are YYYY-MM-DD',
      jsonb_build_object('text', CASE WHEN p_from !~ '^\d{4}-\d\d-\d\d$' THEN p_from ELSE p_until END));
  END IF;
  PERFORM sop_check_overlap(NULL, p_login, p_pelaksana, p_sops, p_acting, p_from, p_until);
  INSERT INTO posts (login, pelaksana, sops, acting, valid_from, valid_until, granted_by, granted_at)
  VALUES (p_login, p_pelaksana, p_sops, p_acting, p_from, p_until, sop_me(), sop_iso(clock_timestamp()))
  RETURNING * INTO v_row;
  RETURN v_row;
END $$;

-- End a post on p_until (its last day), or at once when p_until is NULL (p_today is then its last day).
CREATE OR REPLACE FUNCTION sop_end_post(p_post bigint, p_until text, p_today text) RETURNS posts
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_row posts;
  v_until text := coalesce(p_until, p_today);
BEGIN
  PERFORM sop_guard_session();
  PERFORM set_config('sop.actor', sop_me(), true);  -- the people chain's trigger: written by us, for them
  PERFORM sop_require_admin();  -- before the lock: a refused call holds nothing
  PERFORM sop_lock('people');
  SELECT * INTO v_row FROM posts WHERE id = p_post;
  IF NOT FOUND THEN
    PERFORM sop_refuse('unknown-post', format('no post #%s', p_post), jsonb_build_object('post', p_post));
  END IF;
  IF v_row.ended_at IS NOT NULL THEN
    PERFORM sop_refuse('post-already-ended', format('post #%s has ended already', p_post),
      jsonb_build_object('post', p_post));
  END IF;
  IF v_until < v_row.valid_from THEN
    PERFORM sop_refuse('post-dates', format('a post cannot end (%s) before it starts (%s)', v_until, v_row.valid_from),
      jsonb_build_object('start', v_row.valid_from, 'until', v_until));
  END IF;
  IF v_row.valid_until IS NOT NULL AND v_until > v_row.valid_until THEN  -- a later last day: it must not overlap
    PERFORM sop_check_overlap(v_row.id, v_row.login, v_row.pelaksana, v_row.sops, v_row.acting, v_row.valid_from, v_until);
  END IF;
  UPDATE posts SET valid_until = v_until, ended_at = CASE WHEN p_until IS NULL THEN sop_iso(clock_timestamp()) END,
         ended_by = sop_me()
   WHERE id = p_post RETURNING * INTO v_row;
  RETURN v_row;
END $$;

-- An audit checkpoint, kept by an admin (once posts are enforced) who need not be the owner: its
-- heads must be heads the events hold (that its digest covers them, `sop audit verify` tells).
CREATE OR REPLACE FUNCTION sop_checkpoint(p_digest text, p_taken_at text, p_body text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_body jsonb := p_body::jsonb;
BEGIN
  PERFORM sop_guard_session();
  IF EXISTS (SELECT 1 FROM people) THEN
    PERFORM sop_require_admin();
  END IF;
  IF v_body ->> 'digest' IS DISTINCT FROM p_digest OR v_body ->> 'taken_at' IS DISTINCT FROM p_taken_at
     OR jsonb_typeof(v_body -> 'cases') IS DISTINCT FROM 'object'
     OR EXISTS (SELECT 1 FROM jsonb_each(v_body -> 'cases') c
                 WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.key
                                     AND e.seq::text = c.value ->> 'seq' AND e.hash = c.value ->> 'hash'))
     OR (jsonb_typeof(v_body -> 'people') = 'object'  -- format 2: the people chain's head, one it holds
         AND v_body #>> '{people,seq}' <> '0'
         AND NOT EXISTS (SELECT 1 FROM people_events p WHERE p.seq::text = v_body #>> '{people,seq}'
                                                       AND p.hash = v_body #>> '{people,hash}')) THEN
    PERFORM sop_refuse('bad-checkpoint', 'the checkpoint does not match the chains of this store', '{}'::jsonb);
  END IF;
  INSERT INTO checkpoints (digest, taken_at, body) VALUES (p_digest, p_taken_at, p_body);
END $$;

-- Who may read a case's attachments (UU PDP: a citizen's report, ID scans, photos): an admin, whoever
-- acted on or recorded an event of the case, and a holder today (the SOP's zone) of a post of the
-- case's SOP; anyone while nobody is registered. Mirrors SQLStore.read_document; every read is kept.
CREATE TABLE IF NOT EXISTS document_reads (case_id text NOT NULL, seq bigint NOT NULL, name text NOT NULL,
  login text NOT NULL, at text NOT NULL);

CREATE OR REPLACE FUNCTION sop_read_document(p_case text, p_seq bigint, p_name text) RETURNS bytea
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_me text := sop_me();
  v_case cases;
  v_def jsonb;
  v_day text;
  v_content bytea;
BEGIN
  PERFORM sop_guard_session();
  SELECT * INTO v_case FROM cases WHERE id = p_case;
  IF NOT FOUND THEN
    PERFORM sop_refuse('unknown-case', format('no case %L', p_case), jsonb_build_object('case', p_case));
  END IF;
  IF EXISTS (SELECT 1 FROM people)
     AND NOT EXISTS (SELECT 1 FROM people WHERE login = v_me AND admin = 1)
     AND NOT EXISTS (SELECT 1 FROM events WHERE case_id = p_case AND (holder = v_me OR operator = v_me)) THEN
    SELECT body::jsonb INTO v_def FROM definitions WHERE digest = v_case.definition;
    v_day := to_char(clock_timestamp() AT TIME ZONE coalesce(v_def #>> '{calendar,timezone}', '{default_timezone}'),
                     'YYYY-MM-DD');
    IF NOT EXISTS (
      SELECT 1 FROM posts p
       WHERE p.login = v_me AND p.valid_from <= v_day AND (p.valid_until IS NULL OR p.valid_until >= v_day)
         AND (p.ended_at IS NULL OR sop_iso(clock_timestamp()) < p.ended_at)
         AND (p.sops IS NULL OR p.sops::jsonb @> jsonb_build_array(v_case.sop))
         AND p.pelaksana IN (SELECT x ->> 'id' FROM jsonb_array_elements(v_def -> 'pelaksana') x)) THEN
      PERFORM sop_refuse('document-not-yours',
        format('%s holds no post of SOP %s today and has not acted on case %s', v_me, v_case.sop, p_case),
        jsonb_build_object('login', v_me, 'case', p_case, 'sop', v_case.sop));
    END IF;
  END IF;
  SELECT content INTO v_content FROM documents WHERE case_id = p_case AND seq = p_seq AND name = p_name;
  INSERT INTO document_reads (case_id, seq, name, login, at) VALUES (p_case, p_seq, p_name, v_me, sop_iso(clock_timestamp()));
  RETURN v_content;
END $$;

-- What `case verify` compares: the SHA-256 of each kept content, for any clerk, without the content.
CREATE OR REPLACE FUNCTION sop_document_digests(p_case text) RETURNS TABLE (seq bigint, name text, digest text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT d.seq::bigint, d.name, CASE WHEN d.content IS NULL THEN NULL ELSE encode(sha256(d.content), 'hex') END
    FROM documents d WHERE d.case_id = p_case
$$;

-- --- the outbox of reminders (runner/store/outbox.py): filled and sent by sop notify ---------------
-- Who runs it: the store's owner, a web gateway the owner registered (sop serve sends in the
-- background), or an admin. A message goes only to the address its person has now.
CREATE OR REPLACE FUNCTION sop_require_notifier() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = 'outbox'::regclass), 'MEMBER')
          OR EXISTS (SELECT 1 FROM gateways WHERE login = session_user)
          OR EXISTS (SELECT 1 FROM people WHERE login = session_user AND admin = 1)) THEN
    PERFORM sop_refuse('not-a-notifier', format('%s may not send reminders from this store', session_user),
      jsonb_build_object('login', session_user));
  END IF;
END $$;

CREATE OR REPLACE FUNCTION sop_outbox_enqueue(p_key text, p_kind text, p_login text, p_address text, p_case text,
  p_subject text, p_body text, p_message_id text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_now text := sop_iso(clock_timestamp());
BEGIN
  PERFORM sop_guard_session();
  PERFORM sop_require_notifier();
  INSERT INTO outbox (key, kind, login, address, case_id, subject, body, message_id, created_at, next_at)
  SELECT p_key, p_kind, p_login, p_address, p_case, p_subject, p_body, p_message_id, v_now, v_now
   WHERE EXISTS (SELECT 1 FROM people WHERE login = p_login AND email = p_address)
  ON CONFLICT (key) DO NOTHING;
  RETURN FOUND;
END $$;

-- The next message due that no live sender holds, held now by p_claim for p_lease seconds: two
-- senders never take the same row (SKIP LOCKED), and one that died leaves its lease to run out.
CREATE OR REPLACE FUNCTION sop_outbox_claim(p_claim text, p_lease int)
RETURNS TABLE (id bigint, key text, kind text, login text, address text, case_id text, subject text, body text,
  message_id text, created_at text, next_at text, attempts int, claim text, lease_until text, sent_at text,
  error text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_now text;
  v_id bigint;
BEGIN
  PERFORM sop_guard_session();
  PERFORM sop_require_notifier();
  v_now := sop_iso(clock_timestamp());
  SELECT o.id INTO v_id FROM outbox o
   WHERE o.sent_at IS NULL AND o.next_at <= v_now AND (o.lease_until IS NULL OR o.lease_until <= v_now)
   ORDER BY o.next_at, o.id LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF v_id IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY UPDATE outbox o SET claim = p_claim, attempts = o.attempts + 1,
         lease_until = sop_iso(clock_timestamp() + make_interval(secs => p_lease))
   WHERE o.id = v_id
   RETURNING o.id, o.key, o.kind, o.login, o.address, o.case_id, o.subject, o.body, o.message_id, o.created_at,
             o.next_at, o.attempts, o.claim, o.lease_until, o.sent_at, o.error;
END $$;

CREATE OR REPLACE FUNCTION sop_outbox_sent(p_id bigint, p_claim text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  PERFORM sop_guard_session();
  PERFORM sop_require_notifier();
  UPDATE outbox SET sent_at = sop_iso(clock_timestamp()), lease_until = NULL, error = NULL
   WHERE id = p_id AND claim = p_claim AND sent_at IS NULL;
  RETURN FOUND;
END $$;

CREATE OR REPLACE FUNCTION sop_outbox_failed(p_id bigint, p_claim text, p_error text, p_retry int) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  PERFORM sop_guard_session();
  PERFORM sop_require_notifier();
  UPDATE outbox SET next_at = sop_iso(clock_timestamp() + make_interval(secs => p_retry)), lease_until = NULL,
         error = left(p_error, 1000)
   WHERE id = p_id AND claim = p_claim AND sent_at IS NULL;
END $$;

-- People and posts in the audit (runner/store/audit.py): each change of a row, whoever makes it, is
-- an event of one chain; sop.actor, set by the write functions, names who and marks it as theirs.
CREATE TABLE IF NOT EXISTS people_events (seq bigint PRIMARY KEY, at text NOT NULL, actor text NOT NULL,
  via int NOT NULL, action text NOT NULL, subject text NOT NULL, data text NOT NULL, prev_hash text NOT NULL,
  hash text NOT NULL);

CREATE OR REPLACE FUNCTION sop_people_hash(p_prev text, p_seq bigint, p_at text, p_actor text, p_via int,
  p_action text, p_subject text, p_data text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|', p_prev, p_seq::text, p_at, p_actor, p_via::text, p_action,
    p_subject, p_data), 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION sop_audit_people() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_actor text := nullif(current_setting('sop.actor', true), '');
  v_via int := CASE WHEN v_actor IS NULL THEN 0 ELSE 1 END;
  v_key text := CASE TG_TABLE_NAME WHEN 'people' THEN 'login' ELSE 'id' END;
  v_kind text := CASE TG_TABLE_NAME WHEN 'people' THEN 'person' ELSE 'post' END;
  v_at text := sop_iso(clock_timestamp());
  v_action text;
  v_subject text;
  v_data text;
  v_seq bigint;
  v_prev text;
BEGIN
  LOCK TABLE people_events IN EXCLUSIVE MODE;  -- one chain: its writers take turns
  v_actor := coalesce(v_actor, session_user::text);
  IF TG_OP = 'DELETE' THEN
    v_action := v_kind || '-deleted';
    v_subject := to_jsonb(OLD) ->> v_key;
    v_data := '{}';
  ELSE
    v_action := v_kind;
    v_subject := to_jsonb(NEW) ->> v_key;
    v_data := to_jsonb(NEW)::text;
  END IF;
  SELECT seq, hash INTO v_seq, v_prev FROM people_events ORDER BY seq DESC LIMIT 1;
  v_seq := coalesce(v_seq, 0) + 1;
  v_prev := coalesce(v_prev, '{genesis}');
  INSERT INTO people_events (seq, at, actor, via, action, subject, data, prev_hash, hash)
  VALUES (v_seq, v_at, v_actor, v_via, v_action, v_subject, v_data, v_prev,
          sop_people_hash(v_prev, v_seq, v_at, v_actor, v_via, v_action, v_subject, v_data));
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS people_audit ON people;
CREATE TRIGGER people_audit AFTER INSERT OR UPDATE OR DELETE ON people
  FOR EACH ROW EXECUTE FUNCTION sop_audit_people();
DROP TRIGGER IF EXISTS posts_audit ON posts;
CREATE TRIGGER posts_audit AFTER INSERT OR UPDATE OR DELETE ON posts
  FOR EACH ROW EXECUTE FUNCTION sop_audit_people();

CREATE OR REPLACE FUNCTION sop_people_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'people_events are append-only'; END $$;
DROP TRIGGER IF EXISTS people_events_append_only ON people_events;
CREATE TRIGGER people_events_append_only BEFORE UPDATE OR DELETE ON people_events
  FOR EACH ROW EXECUTE FUNCTION sop_people_events_append_only();

-- Only the functions above write; nobody but the owner calls them until granted
-- (README: "Several clerks on PostgreSQL").
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {schema} FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC;
