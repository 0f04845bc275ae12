package store

import (
	"context"
	"slices"
	"strings"
)

// Events.

const eventCols = "id, org_id, type, subject, data, created"

func scanEvent(s scanner) (Event, error) {
	var e Event
	err := s.Scan(&e.ID, &e.OrgID, &e.Type, &e.Subject, jsonRaw{&e.Data}, timeCol{&e.Created})
	return e, err
}

// AppendEvents appends events (of any organizations) to the log, in order,
// and returns them with IDs and times. The log is append-only: the database
// refuses updates. On PostgreSQL Data comes back normalized (JSONB).
func (q *queries) AppendEvents(ctx context.Context, es []Event) ([]Event, error) {
	if len(es) == 0 {
		return []Event{}, nil
	}
	out := slices.Clone(es)
	args := make([]any, 0, len(es)*5)
	for i := range out {
		e := &out[i]
		if e.Type == "" {
			return nil, wrap("append events", errorf("event %d has no type", i))
		}
		e.Created = created(e.Created)
		data, err := rawJSONArg(e.Data)
		if err != nil {
			return nil, wrap("append events", errorf("event %d data: %w", i, err))
		}
		args = append(args, e.OrgID, e.Type, e.Subject, data, q.d.timeArg(e.Created))
	}
	err := q.writeTx(ctx, func(q *queries) error {
		const cols = 5
		batch := min(500, q.d.maxParams/cols)
		for start := 0; start < len(out); start += batch {
			end := min(start+batch, len(out))
			var b strings.Builder
			b.WriteString("INSERT INTO events (org_id, type, subject, data, created) VALUES ")
			for i := start; i < end; i++ {
				if i > start {
					b.WriteString(", ")
				}
				b.WriteString(placeholders(cols))
			}
			b.WriteString(" RETURNING id")
			ids, err := q.ids(ctx, b.String(), args[start*cols:end*cols]...)
			if err != nil {
				return wrap("append events", err)
			}
			if len(ids) != end-start {
				return wrap("append events", errorf("inserted %d rows, got %d IDs", end-start, len(ids)))
			}
			for i, id := range ids {
				out[start+i].ID = id
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ids runs a query returning one id per row and returns them sorted.
func (q *queries) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := q.w.QueryContext(ctx, q.d.rebind(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

func (q *queries) ListEvents(ctx context.Context, org int64, p Page) ([]Event, error) {
	return list(ctx, q, "list events", "SELECT "+eventCols+" FROM events WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", scanEvent, org, p.after(), p.limit())
}

// Webhooks.

const webhookCols = "id, org_id, url, secret, email, min_severity, kev_only, product_id, active, created"

func scanWebhook(s scanner) (Webhook, error) {
	var w Webhook
	var product *int64
	err := s.Scan(&w.ID, &w.OrgID, &w.URL, &w.Secret, &w.Email, &w.MinSeverity, &w.KEVOnly, &product, &w.Active, timeCol{&w.Created})
	if product != nil {
		w.ProductID = *product
	}
	return w, err
}

// CreateWebhook adds a webhook. A ProductID must name a product of w.OrgID
// (else ErrNotFound); deleting the product deletes the webhook.
func (q *queries) CreateWebhook(ctx context.Context, w Webhook) (Webhook, error) {
	if w.URL == "" && w.Email == "" {
		return Webhook{}, wrap("create webhook", errorf("a URL or an e-mail address is required"))
	}
	w.Created = created(w.Created)
	var product any
	if w.ProductID != 0 {
		product = w.ProductID
	}
	id, err := q.insertID(ctx, `INSERT INTO webhooks (org_id, url, secret, email, min_severity, kev_only, product_id, active, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.OrgID, w.URL, w.Secret, w.Email, w.MinSeverity, w.KEVOnly, product, w.Active, q.d.timeArg(w.Created))
	if err != nil {
		return Webhook{}, wrap("create webhook", err)
	}
	w.ID = id
	return w, nil
}

func (q *queries) GetWebhook(ctx context.Context, org, id int64) (Webhook, error) {
	return one(ctx, q.r, q, "webhook", id, "SELECT "+webhookCols+" FROM webhooks WHERE org_id = ? AND id = ?", scanWebhook, org, id)
}

func (q *queries) ListWebhooks(ctx context.Context, org int64, p Page) ([]Webhook, error) {
	return list(ctx, q, "list webhooks", "SELECT "+webhookCols+" FROM webhooks WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", scanWebhook, org, p.after(), p.limit())
}

func (q *queries) DeleteWebhook(ctx context.Context, org, id int64) error {
	return q.affected(ctx, "webhook", id, "DELETE FROM webhooks WHERE org_id = ? AND id = ?", org, id)
}

// Deliveries.

const deliveryCols = "id, org_id, webhook_id, event_id, attempt, status, error, created"

func scanDelivery(s scanner) (Delivery, error) {
	var d Delivery
	err := s.Scan(&d.ID, &d.OrgID, &d.WebhookID, &d.EventID, &d.Attempt, &d.Status, &d.Error, timeCol{&d.Created})
	return d, err
}

// RecordDelivery records an attempt; the webhook and the event must belong
// to d.OrgID (else ErrNotFound).
func (q *queries) RecordDelivery(ctx context.Context, d Delivery) (Delivery, error) {
	d.Created = created(d.Created)
	id, err := q.insertID(ctx, "INSERT INTO deliveries (org_id, webhook_id, event_id, attempt, status, error, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
		d.OrgID, d.WebhookID, d.EventID, d.Attempt, d.Status, d.Error, q.d.timeArg(d.Created))
	if err != nil {
		return Delivery{}, wrap("record delivery", err)
	}
	d.ID = id
	return d, nil
}

// ListDeliveries lists the attempts of a webhook; a webhook not in org is
// ErrNotFound.
func (q *queries) ListDeliveries(ctx context.Context, org, webhook int64, p Page) ([]Delivery, error) {
	if err := q.exists(ctx, "webhooks", "webhook", org, webhook); err != nil {
		return nil, err
	}
	return list(ctx, q, "list deliveries", "SELECT "+deliveryCols+" FROM deliveries WHERE org_id = ? AND webhook_id = ? AND id > ? ORDER BY id LIMIT ?",
		scanDelivery, org, webhook, p.after(), p.limit())
}
