-- Live event streams (SSE) wake on this notification instead of polling the events table. A
-- trigger rather than a call in each writer, so no path that records an event can forget it.
-- Like every NOTIFY it is delivered on commit, and PostgreSQL folds identical ones in a
-- transaction into one; it is only a hint (streams still read the table, and a slow poll covers
-- a missed one).
CREATE FUNCTION graft_notify_job_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('graft_job_events', NEW.job_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER fine_tuning_job_events_notify AFTER INSERT ON fine_tuning_job_events
    FOR EACH ROW EXECUTE FUNCTION graft_notify_job_event();
