package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dialect holds what differs between SQLite and PostgreSQL. Queries are
// written once with "?" placeholders; PostgreSQL gets them renumbered.
type dialect struct {
	name string
	// dollar: placeholders are $1, $2, ... instead of ?.
	dollar bool
	// jsonElems is a FROM item yielding the elements of a JSON array of
	// strings (column %s) as j.value.
	jsonElems string
	// maxParams bounds the parameters of one statement (multi-row inserts).
	maxParams int
}

var (
	sqliteDialect   = dialect{name: "sqlite", jsonElems: "json_each(%s) AS j", maxParams: 32766}
	postgresDialect = dialect{name: "postgres", dollar: true, jsonElems: "jsonb_array_elements_text(%s) AS j(value)", maxParams: 65535}
)

// rebind turns ? placeholders into $n for PostgreSQL. Queries never hold a
// literal question mark.
func (d *dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// timeLayout is how SQLite stores times: UTC, microseconds, sortable text.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// ts normalizes a time to what both backends store: UTC, whole microseconds.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// timeArg is the query argument for t.
func (d *dialect) timeArg(t time.Time) any {
	if d.dollar {
		return ts(t)
	}
	return ts(t).Format(timeLayout)
}

// timePtrArg is the query argument for an optional time (NULL when nil).
func (d *dialect) timePtrArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.timeArg(*t)
}

// timeCol scans a time column of either backend into a time.Time (UTC).
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	case nil:
		return fmt.Errorf("store: NULL in a NOT NULL time column")
	default:
		return fmt.Errorf("store: cannot scan %T into a time", src)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("store: bad time %q: %w", s, err)
		}
	}
	*c.t = t.UTC()
	return nil
}

// nullTimeCol scans an optional time column; NULL leaves *t nil.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(src any) error {
	if src == nil {
		*c.t = nil
		return nil
	}
	var t time.Time
	if err := (timeCol{&t}).Scan(src); err != nil {
		return err
	}
	*c.t = &t
	return nil
}
