-- The log: one row per event. position is the global position, assigned
-- by the appender that holds the append lock (see the package doc), so
-- positions are dense and increase in commit order.
CREATE TABLE events (
    position    bigint      PRIMARY KEY,
    stream      text        NOT NULL,
    version     bigint      NOT NULL CHECK (version > 0),
    id          uuid        NOT NULL,
    type        text        NOT NULL,
    data        bytea       NOT NULL,
    metadata    bytea       NOT NULL,
    recorded_at timestamptz NOT NULL,
    -- Optimistic concurrency: one event per stream and version.
    CONSTRAINT events_stream_version_key UNIQUE (stream, version),
    -- Idempotency: an event ID is stored once, in one stream.
    CONSTRAINT events_id_key UNIQUE (id)
);
