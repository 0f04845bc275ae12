-- medvigil schema, PostgreSQL. Times are TIMESTAMPTZ (microseconds), JSON is
-- JSONB, bytes are BYTEA, IDs are BIGINT identities.
-- Every organization-owned table has UNIQUE (org_id, id) so children can point
-- at (org_id, parent_id): a row can never reference another organization's row.

CREATE TABLE orgs (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE tokens (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id    BIGINT NOT NULL,
    user_id   BIGINT NOT NULL,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL,
    prefix    TEXT NOT NULL,
    hash      BYTEA NOT NULL UNIQUE,
    created   TIMESTAMPTZ NOT NULL,
    last_used TIMESTAMPTZ,
    revoked   TIMESTAMPTZ,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX tokens_user ON tokens (org_id, user_id);

CREATE TABLE products (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    vendor      TEXT NOT NULL,
    description TEXT NOT NULL,
    created     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);

CREATE TABLE versions (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         BIGINT NOT NULL,
    product_id     BIGINT NOT NULL,
    version        TEXT NOT NULL,
    release_date   TEXT NOT NULL,
    end_of_life    TEXT NOT NULL,
    end_of_support TEXT NOT NULL,
    support_level  TEXT NOT NULL,
    created        TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, product_id, version),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE
);
CREATE INDEX versions_product ON versions (org_id, product_id, id);

CREATE TABLE sboms (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL,
    version_id   BIGINT NOT NULL,
    filename     TEXT NOT NULL,
    format       TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    encoding     TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         BIGINT NOT NULL,
    components   INTEGER NOT NULL,
    warnings     JSONB,
    created      TIMESTAMPTZ NOT NULL,
    raw          BYTEA NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, version_id, id),
    FOREIGN KEY (org_id, version_id) REFERENCES versions (org_id, id) ON DELETE CASCADE
);

CREATE TABLE components (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL,
    version_id BIGINT NOT NULL,
    sbom_id    BIGINT NOT NULL,
    ref        TEXT NOT NULL,
    name       TEXT NOT NULL,
    version    TEXT NOT NULL,
    supplier   TEXT NOT NULL,
    purl       TEXT NOT NULL,
    cpes       JSONB,
    UNIQUE (org_id, version_id, id),
    FOREIGN KEY (org_id, version_id, sbom_id) REFERENCES sboms (org_id, version_id, id) ON DELETE CASCADE
);
CREATE INDEX components_sbom ON components (org_id, version_id, sbom_id);

CREATE TABLE findings (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         BIGINT NOT NULL,
    version_id     BIGINT NOT NULL,
    component_id   BIGINT NOT NULL,
    vuln_id        TEXT NOT NULL,
    aliases        JSONB,
    summary        TEXT NOT NULL,
    severity       TEXT NOT NULL,
    cvss           DOUBLE PRECISION NOT NULL,
    kev            BOOLEAN NOT NULL,
    epss           DOUBLE PRECISION NOT NULL,
    fixed_versions JSONB,
    method         TEXT NOT NULL,
    confidence     TEXT NOT NULL,
    rule           TEXT NOT NULL,
    status         TEXT NOT NULL,
    first_seen     TIMESTAMPTZ NOT NULL,
    last_seen      TIMESTAMPTZ NOT NULL,
    resolved       TIMESTAMPTZ,
    UNIQUE (org_id, version_id, component_id, vuln_id),
    FOREIGN KEY (org_id, version_id, component_id) REFERENCES components (org_id, version_id, id) ON DELETE CASCADE
);
CREATE INDEX findings_org ON findings (org_id, id);
CREATE INDEX findings_version ON findings (org_id, version_id, id);
CREATE INDEX findings_vuln ON findings (org_id, vuln_id);

CREATE TABLE events (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    type    TEXT NOT NULL,
    subject TEXT NOT NULL,
    data    JSONB,
    created TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TABLE webhooks (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    email        TEXT NOT NULL,
    min_severity TEXT NOT NULL,
    kev_only     BOOLEAN NOT NULL,
    product_id   BIGINT,
    active       BOOLEAN NOT NULL,
    created      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE
);
CREATE INDEX webhooks_product ON webhooks (org_id, product_id);

CREATE TABLE deliveries (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL,
    webhook_id BIGINT NOT NULL,
    event_id   BIGINT NOT NULL,
    attempt    INTEGER NOT NULL,
    status     INTEGER NOT NULL,
    error      TEXT NOT NULL,
    created    TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, webhook_id) REFERENCES webhooks (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, event_id) REFERENCES events (org_id, id) ON DELETE CASCADE
);
CREATE INDEX deliveries_webhook ON deliveries (org_id, webhook_id, id);
CREATE INDEX deliveries_event ON deliveries (org_id, event_id);

CREATE TABLE kb_snapshots (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created    TIMESTAMPTZ NOT NULL,
    advisories INTEGER NOT NULL,
    sources    JSONB,
    data       BYTEA NOT NULL
);

CREATE TABLE job_runs (
    name    TEXT NOT NULL,
    slot    TEXT NOT NULL,
    owner   TEXT NOT NULL,
    claimed TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (name, slot)
);
