-- Liveness of the long-running processes that Temporal cannot see (the watcher), and the state of health alerts.
CREATE TABLE component_heartbeats (
  component    text NOT NULL,
  instance     text NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz NOT NULL DEFAULT now(),
  detail       jsonb,
  PRIMARY KEY (component, instance)
);

-- One row per monitored component: an alert is sent when it goes down and once more when it comes back.
CREATE TABLE health_alerts (
  component  text PRIMARY KEY,
  state      text NOT NULL CHECK (state IN ('up', 'down')),
  changed_at timestamptz NOT NULL DEFAULT now(),
  detail     text
);

-- Every notification (import result, digest, alert) per channel: recorded before sending, so a retried
-- delivery never sends twice what was confirmed sent, and a failure stays visible on the import's page.
CREATE TABLE notification_deliveries (
  key        text NOT NULL,
  channel    text NOT NULL,
  event      text NOT NULL,
  import_id  uuid,
  status     text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts   integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz,
  PRIMARY KEY (key, channel)
);
CREATE INDEX notification_deliveries_import_idx ON notification_deliveries (import_id) WHERE import_id IS NOT NULL;
