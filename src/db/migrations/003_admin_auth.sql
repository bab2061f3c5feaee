-- Staff accounts, their server-side sessions, API tokens, login throttling and the audit trail of the admin.

CREATE TABLE staff_users (
  id            serial PRIMARY KEY,
  email         text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role          text NOT NULL CHECK (role IN ('admin', 'viewer')),
  -- 'scrypt$<log2 N>$<r>$<p>$<salt>$<hash>': the parameters travel with the hash so they can be raised later.
  password_hash text NOT NULL,
  disabled_at   timestamptz,
  last_login_at timestamptz,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_users_email_idx ON staff_users (email);

-- The cookie carries a random id; only its sha256 is stored, so a read of this table cannot be replayed.
CREATE TABLE sessions (
  id_hash      text PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  user_id      integer NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  flash        jsonb NOT NULL DEFAULT '[]',
  ip           text,
  user_agent   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Shown once at creation; only the sha256 is kept.
CREATE TABLE api_tokens (
  id           serial PRIMARY KEY,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  prefix       text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'viewer')),
  created_by   integer REFERENCES staff_users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- Keyed by the typed email (existing account or not), so throttling reveals nothing about which accounts exist.
CREATE TABLE login_attempts (
  id        bigserial PRIMARY KEY,
  email     text NOT NULL,
  ip        text NOT NULL,
  succeeded boolean NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, at DESC);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at DESC);

CREATE TABLE audit_log (
  id     bigserial PRIMARY KEY,
  at     timestamptz NOT NULL DEFAULT now(),
  actor  text NOT NULL,
  action text NOT NULL,
  target text,
  ip     text NOT NULL,
  detail jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at DESC);
