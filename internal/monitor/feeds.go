package monitor

import (
	"encoding/json"
	"slices"
	"time"
)

// FeedStatus is the state of one upstream source (OSV, NVD, KEV, EPSS, a
// CSAF provider) as the knowledge base's history records it: when it last
// synced successfully, and the error of the last attempt if it failed.
type FeedStatus struct {
	Source      string    `json:"source"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	Error       string    `json:"error,omitempty"`
	Fetched     int       `json:"fetched"`
	NotModified int       `json:"not_modified"`
	Files       int       `json:"files_written"`
	Warnings    int       `json:"warnings"`
}

// SourcesMeta is what a knowledge-base snapshot records about where it came
// from (KBSnapshot.Sources): the kind of change ("sync", "import", "demo"),
// when, the paths imported, and the feeds' states carried forward from
// snapshot to snapshot, so a feed's age survives manual imports and failed
// syncs.
type SourcesMeta struct {
	Kind  string         `json:"kind"`
	Time  time.Time      `json:"time"`
	Paths []string       `json:"paths,omitempty"`
	Files int            `json:"files,omitempty"`
	Skip  int            `json:"skipped,omitempty"`
	Notes map[string]any `json:"notes,omitempty"`
	Feeds []FeedStatus   `json:"feeds,omitempty"`
}

// Feeds returns the feed states of the loaded knowledge base, sorted by
// source; nil when its snapshot records none (a demo or an older one).
func (m *Monitor) Feeds() []FeedStatus {
	var meta SourcesMeta
	if err := json.Unmarshal(m.Status().Sources, &meta); err != nil {
		return nil
	}
	return meta.Feeds
}

// MergeFeeds returns prev updated by the results of one sync: a source
// that succeeded gets its new success time; one that failed keeps its last
// success and records the error.
func MergeFeeds(prev, now []FeedStatus) []FeedStatus {
	by := map[string]FeedStatus{}
	for _, f := range prev {
		by[f.Source] = f
	}
	for _, f := range now {
		if f.Error != "" {
			if p, ok := by[f.Source]; ok {
				f.LastSuccess = p.LastSuccess
			}
		}
		by[f.Source] = f
	}
	out := make([]FeedStatus, 0, len(by))
	for _, f := range by {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b FeedStatus) int {
		switch {
		case a.Source < b.Source:
			return -1
		case a.Source > b.Source:
			return 1
		}
		return 0
	})
	return out
}
