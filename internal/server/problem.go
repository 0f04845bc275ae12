package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"medvigil/internal/monitor"
	"medvigil/internal/store"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// problemBase prefixes the type URIs; they are documented in docs/api.md.
const problemBase = "https://medvigil.dev/problems/"

// httpError is an error with the status and problem type it answers with.
type httpError struct {
	status int
	kind   string
	detail string
}

func (e *httpError) Error() string { return e.detail }

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, "bad-request", fmt.Sprintf(format, args...)}
}

func forbidden(detail string) error {
	return &httpError{http.StatusForbidden, "forbidden", detail}
}

func unauthorized(detail string) error {
	return &httpError{http.StatusUnauthorized, "unauthorized", detail}
}

func notFound(what string) error {
	return &httpError{http.StatusNotFound, "not-found", what + " not found"}
}

// problemOf maps an error to its problem.
func problemOf(err error) Problem {
	var he *httpError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return Problem{Type: problemBase + he.kind, Title: http.StatusText(he.status), Status: he.status, Detail: he.detail}
	case errors.As(err, &mbe):
		return Problem{Type: problemBase + "too-large", Title: http.StatusText(http.StatusRequestEntityTooLarge),
			Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("request body exceeds %d bytes", mbe.Limit)}
	case errors.Is(err, store.ErrNotFound):
		return Problem{Type: problemBase + "not-found", Title: "Not Found", Status: http.StatusNotFound, Detail: "not found"}
	case errors.Is(err, store.ErrConflict):
		return Problem{Type: problemBase + "conflict", Title: "Conflict", Status: http.StatusConflict, Detail: err.Error()}
	case errors.Is(err, monitor.ErrBadSBOM):
		return Problem{Type: problemBase + "bad-sbom", Title: "Unprocessable Content", Status: http.StatusUnprocessableEntity, Detail: err.Error()}
	}
	return Problem{Type: problemBase + "internal", Title: "Internal Server Error", Status: http.StatusInternalServerError,
		Detail: "internal error; the server log has the details under this request_id"}
}

func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	p.Instance = r.URL.Path
	p.RequestID = requestID(r.Context())
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
