-- Campaigns, version 6: notification campaigns (their recipients, the
-- exposures each was told about, as they were then), the outgoing mail queue,
-- and opt-outs (issue 8; db/fumidai/db/CampaignStore.h, MailOutbox.h,
-- OptoutStore.h). db/README.md ("Campaigns and opt-outs") describes them.

-- One row per campaign. The selection is kept as the request gave it, for the
-- record and for remediation (its "label" filter decides what still counts
-- as exposed). created_by is copied so the row stays readable if the key goes.
CREATE TABLE campaigns (
  id                 bigserial PRIMARY KEY,
  name               text NOT NULL CHECK (name <> ''),
  created            timestamptz NOT NULL DEFAULT now(),
  created_by         text NOT NULL,
  created_by_key_id  bigint REFERENCES api_keys (id) ON DELETE SET NULL,
  selection          jsonb NOT NULL DEFAULT '{}',
  grouping           text NOT NULL CHECK (grouping IN ('abuse-contact', 'org', 'national-cert')),
  language           text NOT NULL,
  control_fraction   double precision NOT NULL CHECK (control_fraction >= 0 AND control_fraction <= 0.5),
  seed               numeric(20, 0) NOT NULL,  -- a uint64: the arms can be drawn again
  baseline_scan_id   bigint REFERENCES scans (id) ON DELETE SET NULL,
  excluded_optout    bigint NOT NULL DEFAULT 0 CHECK (excluded_optout >= 0)
);
CREATE INDEX campaigns_key ON campaigns (created_by_key_id, id);

-- Recipients, numbered 1..n within their campaign (the rid the API shows).
-- draw is the seeded uniform draw that decided the arm, kept so the split can
-- be checked; unresolved recipients (no contact) are listed, never dropped.
CREATE TABLE campaign_recipients (
  campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  id           integer NOT NULL CHECK (id > 0),
  key          text NOT NULL,
  name         text NOT NULL,
  email        text NOT NULL,
  arm          text NOT NULL CHECK (arm IN ('treatment', 'control', 'unresolved')),
  draw         double precision NOT NULL CHECK (draw >= 0 AND draw < 1),
  PRIMARY KEY (campaign_id, id)
);

-- What each recipient was told about: the exposure (db::ExposureItem) as it
-- stood at creation, so letters and remediation keep their base when the
-- latest state moves on.
CREATE TABLE campaign_exposures (
  campaign_id     bigint NOT NULL,
  recipient_id    integer NOT NULL,
  ip              inet NOT NULL,
  port            integer NOT NULL CHECK (port BETWEEN 0 AND 65535),
  transport       text NOT NULL CHECK (transport IN ('tcp', 'udp')),
  protocol        text,
  status          text NOT NULL,
  ptr             text,
  asn             bigint,
  org_id          text,
  org_name        text,
  country         text,
  fingerprints    jsonb NOT NULL DEFAULT '[]',
  categories      text[] NOT NULL DEFAULT '{}',
  labels          text[] NOT NULL DEFAULT '{}',
  severity        text,
  router_vendor   text,
  router_product  text,
  router_version  text,
  first_seen      timestamptz NOT NULL,
  last_seen       timestamptz NOT NULL,
  last_scan_id    bigint NOT NULL,
  PRIMARY KEY (campaign_id, ip, port, transport),
  FOREIGN KEY (campaign_id, recipient_id) REFERENCES campaign_recipients (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX campaign_exposures_recipient ON campaign_exposures (campaign_id, recipient_id);

-- Opt-outs. Only `pending` and `verified` are stored: "expired" is a pending
-- request past `expires`, computed when read, so no job has to flip it.
-- Only the token's SHA-256 is kept.
CREATE TABLE optouts (
  id          bigserial PRIMARY KEY,
  prefix      cidr NOT NULL,
  contact     text NOT NULL,
  reason      text NOT NULL DEFAULT '',
  verify_to   text NOT NULL,
  token_hash  text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'verified')),
  requested   timestamptz NOT NULL DEFAULT now(),
  verified    timestamptz,
  expires     timestamptz NOT NULL,
  CHECK ((state = 'verified') = (verified IS NOT NULL))
);
-- Which verified opt-out holds an address (SP-GiST, as 0003 measured).
CREATE INDEX optouts_verified_prefix ON optouts USING spgist (prefix inet_ops) WHERE state = 'verified';

-- Every message fumidai sends, stored whole when made, so a re-run sends the
-- same bytes under the same Message-ID and a message is never made twice.
-- attempt_started is set when a sender claims the message and cleared when
-- it records the outcome: set on a queued message, the attempt's outcome is
-- unknown (a crash between the relay's acceptance and the record), and the
-- message is "in doubt": not claimed again unless asked.
CREATE TABLE mail_outbox (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('letter', 'optout-verification')),
  campaign_id      bigint,
  recipient_id     integer,
  optout_id        bigint REFERENCES optouts (id) ON DELETE CASCADE,
  message_id       text NOT NULL UNIQUE,
  envelope_from    text NOT NULL,
  envelope_to      text NOT NULL,
  eml              text NOT NULL,
  state            text NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'sent', 'failed', 'bounced', 'acknowledged')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt     timestamptz NOT NULL DEFAULT now(),
  attempt_started  timestamptz,
  last_reply       text NOT NULL DEFAULT '',
  created          timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  acknowledged_at  timestamptz,
  bounced_at       timestamptz,
  ack_token_hash   text UNIQUE CHECK (ack_token_hash ~ '^[0-9a-f]{64}$'),
  FOREIGN KEY (campaign_id, recipient_id) REFERENCES campaign_recipients (campaign_id, id) ON DELETE CASCADE,
  CHECK ((kind = 'letter') = (campaign_id IS NOT NULL AND recipient_id IS NOT NULL)),
  CHECK ((kind = 'optout-verification') = (optout_id IS NOT NULL))
);
-- What claim() reads: the due queued messages.
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt);
-- One letter per recipient.
CREATE UNIQUE INDEX mail_outbox_letter ON mail_outbox (campaign_id, recipient_id) WHERE kind = 'letter';
