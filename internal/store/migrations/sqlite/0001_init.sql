-- medvigil schema, SQLite. Times are TEXT "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC,
-- microseconds), which sorts like the instant it names. JSON lists are TEXT.
-- Every organization-owned table has UNIQUE (org_id, id) so children can point
-- at (org_id, parent_id): a row can never reference another organization's row.

CREATE TABLE orgs (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    created TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created       TEXT NOT NULL,
    UNIQUE (org_id, id)
) STRICT;
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE tokens (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL,
    prefix    TEXT NOT NULL,
    hash      BLOB NOT NULL UNIQUE,
    created   TEXT NOT NULL,
    last_used TEXT,
    revoked   TEXT,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX tokens_user ON tokens (org_id, user_id);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    vendor      TEXT NOT NULL,
    description TEXT NOT NULL,
    created     TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
) STRICT;

CREATE TABLE versions (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL,
    product_id     INTEGER NOT NULL,
    version        TEXT NOT NULL,
    release_date   TEXT NOT NULL,
    end_of_life    TEXT NOT NULL,
    end_of_support TEXT NOT NULL,
    support_level  TEXT NOT NULL,
    created        TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, product_id, version),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX versions_product ON versions (org_id, product_id, id);

CREATE TABLE sboms (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    version_id   INTEGER NOT NULL,
    filename     TEXT NOT NULL,
    format       TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    encoding     TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    components   INTEGER NOT NULL,
    warnings     TEXT,
    created      TEXT NOT NULL,
    raw          BLOB NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, version_id, id),
    FOREIGN KEY (org_id, version_id) REFERENCES versions (org_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE components (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    sbom_id    INTEGER NOT NULL,
    ref        TEXT NOT NULL,
    name       TEXT NOT NULL,
    version    TEXT NOT NULL,
    supplier   TEXT NOT NULL,
    purl       TEXT NOT NULL,
    cpes       TEXT,
    UNIQUE (org_id, version_id, id),
    FOREIGN KEY (org_id, version_id, sbom_id) REFERENCES sboms (org_id, version_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX components_sbom ON components (org_id, version_id, sbom_id);

CREATE TABLE findings (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL,
    version_id     INTEGER NOT NULL,
    component_id   INTEGER NOT NULL,
    vuln_id        TEXT NOT NULL,
    aliases        TEXT,
    summary        TEXT NOT NULL,
    severity       TEXT NOT NULL,
    cvss           REAL NOT NULL,
    kev            INTEGER NOT NULL,
    epss           REAL NOT NULL,
    fixed_versions TEXT,
    method         TEXT NOT NULL,
    confidence     TEXT NOT NULL,
    rule           TEXT NOT NULL,
    status         TEXT NOT NULL,
    first_seen     TEXT NOT NULL,
    last_seen      TEXT NOT NULL,
    resolved       TEXT,
    UNIQUE (org_id, version_id, component_id, vuln_id),
    FOREIGN KEY (org_id, version_id, component_id) REFERENCES components (org_id, version_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX findings_org ON findings (org_id, id);
CREATE INDEX findings_version ON findings (org_id, version_id, id);
CREATE INDEX findings_vuln ON findings (org_id, vuln_id);

CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    org_id  INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    type    TEXT NOT NULL,
    subject TEXT NOT NULL,
    data    TEXT,
    created TEXT NOT NULL,
    UNIQUE (org_id, id)
) STRICT;
CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE webhooks (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    email        TEXT NOT NULL,
    min_severity TEXT NOT NULL,
    kev_only     INTEGER NOT NULL,
    product_id   INTEGER,
    active       INTEGER NOT NULL,
    created      TEXT NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX webhooks_product ON webhooks (org_id, product_id);

CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    webhook_id INTEGER NOT NULL,
    event_id   INTEGER NOT NULL,
    attempt    INTEGER NOT NULL,
    status     INTEGER NOT NULL,
    error      TEXT NOT NULL,
    created    TEXT NOT NULL,
    FOREIGN KEY (org_id, webhook_id) REFERENCES webhooks (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, event_id) REFERENCES events (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX deliveries_webhook ON deliveries (org_id, webhook_id, id);
CREATE INDEX deliveries_event ON deliveries (org_id, event_id);

CREATE TABLE kb_snapshots (
    id         INTEGER PRIMARY KEY,
    created    TEXT NOT NULL,
    advisories INTEGER NOT NULL,
    sources    TEXT,
    data       BLOB NOT NULL
) STRICT;

CREATE TABLE job_runs (
    name    TEXT NOT NULL,
    slot    TEXT NOT NULL,
    owner   TEXT NOT NULL,
    claimed TEXT NOT NULL,
    PRIMARY KEY (name, slot)
) STRICT;
