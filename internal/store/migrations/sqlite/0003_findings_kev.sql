-- findings_kev serves the KEV filter of ListFindings (the dashboard's
-- "known exploited" list) in ID order: KEV findings are few, so without it
-- a page of them read every finding of the organization.
CREATE INDEX findings_kev ON findings (org_id, kev, id);
