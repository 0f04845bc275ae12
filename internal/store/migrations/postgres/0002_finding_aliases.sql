-- finding_aliases indexes the aliases of every finding, so that ListFindings
-- with VulnIDs finds a finding by an alias through an index instead of
-- parsing the aliases of every finding of the organization.
CREATE TABLE finding_aliases (
    org_id     BIGINT NOT NULL,
    alias      TEXT NOT NULL,
    finding_id BIGINT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, alias, finding_id)
);
CREATE INDEX finding_aliases_finding ON finding_aliases (finding_id);
INSERT INTO finding_aliases (org_id, alias, finding_id)
    SELECT DISTINCT f.org_id, j.value, f.id FROM findings AS f, jsonb_array_elements_text(f.aliases) AS j(value)
    WHERE f.aliases IS NOT NULL
ON CONFLICT DO NOTHING;
