package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"medvigil/internal/demo"
	"medvigil/internal/notify"
)

// TestWebhookEndToEnd: a webhook subscribed through the API receives a
// signed finding.new event when an SBOM upload produces a KEV finding, and
// the attempt is in the delivery log.
func TestWebhookEndToEnd(t *testing.T) {
	type got struct {
		event string
		body  []byte
		err   error
	}
	var mu sync.Mutex
	var received []got
	var secret string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		err := notify.Verify(secret, r.Header.Get("X-Medvigil-Timestamp"), body, r.Header.Get("X-Medvigil-Signature"), time.Now(), 0)
		received = append(received, got{r.Header.Get("X-Medvigil-Event"), body, err})
	}))
	defer recv.Close()

	base, stop := startServe(t, "--demo", "--data", filepath.Join(t.TempDir(), "data"), "--webhook-allow-private")
	defer stop()
	call := func(method, path, ctype string, body []byte, token string, out any) int {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil {
			json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode
	}
	var tok struct{ Secret string }
	body, _ := json.Marshal(map[string]string{"email": demoEmail, "password": demoPassword})
	if c := call("POST", "/api/v1/auth/login", "application/json", body, "", &tok); c != 201 {
		t.Fatalf("login %d", c)
	}
	var hook struct {
		Webhook struct{ ID int64 }
		Secret  string
	}
	if c := call("POST", "/api/v1/webhooks", "application/json", []byte(`{"url":"`+recv.URL+`","kev_only":true}`), tok.Secret, &hook); c != 201 || hook.Secret == "" {
		t.Fatalf("create webhook: %d %+v", c, hook)
	}
	mu.Lock()
	secret = hook.Secret
	mu.Unlock()
	var prod struct{ ID int64 }
	if c := call("POST", "/api/v1/products", "application/json", []byte(`{"name":"PACS Viewer (test copy)","vendor":"Northwind"}`), tok.Secret, &prod); c != 201 {
		t.Fatalf("create product %d", c)
	}
	var ver struct{ ID int64 }
	if c := call("POST", "/api/v1/products/"+itoa(prod.ID)+"/versions", "application/json", []byte(`{"version":"5.0.3-test","end_of_support":"2027-12-31"}`), tok.Secret, &ver); c != 201 {
		t.Fatalf("create version %d", c)
	}
	cat, err := demo.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var sbomFile string
	for _, p := range cat.Products {
		for _, v := range p.Versions {
			if strings.Contains(p.Name, "PACS") && sbomFile == "" {
				sbomFile = v.SBOM
			}
		}
	}
	data, err := demo.Open(sbomFile)
	if err != nil {
		t.Fatal(err)
	}
	var imp struct {
		NewFindings int `json:"new_findings"`
	}
	if c := call("POST", "/api/v1/versions/"+itoa(ver.ID)+"/sboms?filename=pacs.cdx.json", "application/vnd.cyclonedx+json", data, tok.Secret, &imp); c != 201 || imp.NewFindings == 0 {
		t.Fatalf("upload: %d %+v", c, imp)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(received)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(received) == 0 {
		t.Fatal("the webhook received nothing within 20 s")
	}
	kev := 0
	for _, g := range received {
		if g.err != nil {
			t.Errorf("signature: %v", g.err)
		}
		var env struct {
			Type string
			Data notify.FindingEvent
		}
		if err := json.Unmarshal(g.body, &env); err != nil {
			t.Fatalf("body %s: %v", g.body, err)
		}
		if g.event != "finding.new" || !env.Data.KEV || env.Data.VersionName != "5.0.3-test" {
			t.Errorf("event %s: %+v — the subscription is kev_only and the upload was to 5.0.3-test", g.event, env.Data)
		}
		kev++
	}
	mu.Unlock()
	// The attempt is recorded once the receiver answered.
	var deliveries struct{ Items []struct{ Status int } }
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		call("GET", "/api/v1/webhooks/"+itoa(hook.Webhook.ID)+"/deliveries", "", nil, tok.Secret, &deliveries)
		if len(deliveries.Items) > 0 {
			break
		}
	}
	mu.Lock()
	if len(deliveries.Items) < 1 || deliveries.Items[0].Status != 200 {
		t.Errorf("delivery log: %+v", deliveries.Items)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
