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
