package monitor_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/monitor"
)

func TestMergeFeeds(t *testing.T) {
	t1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(6 * time.Hour)
	prev := []monitor.FeedStatus{
		{Source: "osv", LastSuccess: t1, LastAttempt: t1},
		{Source: "kev", LastSuccess: t1, LastAttempt: t1},
		{Source: "csaf", LastSuccess: t1, LastAttempt: t1},
	}
	now := []monitor.FeedStatus{
		{Source: "osv", LastSuccess: t2, LastAttempt: t2, Fetched: 3},
		{Source: "kev", LastAttempt: t2, Error: "kev: 503"},
		{Source: "epss", LastAttempt: t2, Error: "epss: 404"},
	}
	want := []monitor.FeedStatus{
		{Source: "csaf", LastSuccess: t1, LastAttempt: t1},                   // not synced this time: unchanged
		{Source: "epss", LastAttempt: t2, Error: "epss: 404"},                // never succeeded
		{Source: "kev", LastSuccess: t1, LastAttempt: t2, Error: "kev: 503"}, // failed: keeps its last success
		{Source: "osv", LastSuccess: t2, LastAttempt: t2, Fetched: 3},
	}
	if diff := cmp.Diff(want, monitor.MergeFeeds(prev, now)); diff != "" {
		t.Errorf("MergeFeeds (-want +got):\n%s", diff)
	}
	if got := monitor.MergeFeeds(nil, nil); len(got) != 0 {
		t.Errorf("MergeFeeds(nil, nil) = %v", got)
	}
}
