-- finding_aliases indexes the aliases of every finding, so that ListFindings
-- with VulnIDs finds a finding by an alias through an index instead of
-- parsing the aliases of every finding of the organization.
CREATE TABLE finding_aliases (
    org_id     INTEGER NOT NULL,
    alias      TEXT NOT NULL,
    finding_id INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, alias, finding_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX finding_aliases_finding ON finding_aliases (finding_id);
INSERT OR IGNORE INTO finding_aliases (org_id, alias, finding_id)
    SELECT f.org_id, j.value, f.id FROM findings AS f, json_each(f.aliases) AS j WHERE f.aliases IS NOT NULL;
