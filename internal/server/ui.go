package server

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
)

// uiFiles is the dashboard: static HTML, CSS and JavaScript that read the
// API with the token of a login. Nothing is fetched from elsewhere.
//
//go:embed ui/index.html ui/app.js ui/style.css
var uiFiles embed.FS

// uiHeaders forbid everything but this origin's own scripts, styles and API.
func uiHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

func (s *Server) routeUI() {
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s.serveUIFile(w, r, "index.html")
	})
	s.mux.HandleFunc("GET /ui/{file}", func(w http.ResponseWriter, r *http.Request) {
		s.serveUIFile(w, r, r.PathValue("file"))
	})
}

func (s *Server) serveUIFile(w http.ResponseWriter, r *http.Request, name string) {
	data, err := fs.ReadFile(uiFiles, "ui/"+path.Base(name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	uiHeaders(w)
	writeBytes(w, r, http.StatusOK, ctype, data)
}
