// Package notify delivers the event log of an organization to its
// notification subscriptions (store.Webhook): signed JSON POSTs to webhook
// URLs and plain-text + HTML e-mail over SMTP.
//
// A Notifier matches every event to the active subscriptions of the same
// organization (never across organizations), applies each subscription's
// filters (minimum severity, KEV only, product), delivers concurrently with a
// bounded number of workers, retries transient failures with exponential
// backoff and jitter, and records every attempt as a store.Delivery through
// a Recorder. Finding events carry a FindingEvent as their JSON data.
//
// Webhook requests carry an HMAC-SHA256 signature over "<timestamp>.<body>"
// (X-Medvigil-Signature); receivers check it with Verify. The wire format,
// the signature recipe, the retry policy and the e-mail settings are
// documented in docs/notifications.md.
//
// It may import the standard library, medvigil/internal/store,
// github.com/emersion/go-smtp and github.com/emersion/go-sasl.
package notify
