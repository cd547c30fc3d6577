-- Executions and registrations of Prana webhook (webhookhttp.SQLStore).
-- The JSON columns hold the library's JSON forms byte for byte (text, not
-- jsonb, which would reorder them).
CREATE TABLE prana_executions (
    id          text PRIMARY KEY,
    workflow_id text NOT NULL,
    status      text NOT NULL,
    state       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE prana_registrations (
    resume_id    text PRIMARY KEY,
    execution_id text NOT NULL REFERENCES prana_executions (id) ON DELETE CASCADE,
    node_id      text NOT NULL,
    status       text NOT NULL
        CHECK (status IN ('pending', 'active', 'consumed', 'expired')),
    expires_at   timestamptz,
    row_json     text NOT NULL
);

CREATE INDEX prana_registrations_by_execution ON prana_registrations (execution_id);
CREATE INDEX prana_registrations_due ON prana_registrations (expires_at) WHERE status = 'active';
