package server

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"medvigil/internal/store"
)

// chromium finds Debian's Chromium (CI installs it: .ci/run); without it the
// browser test skips, except under CI=true, where it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("missing chromium (Debian package chromium); CI must install it")
	}
	t.Skip("missing chromium (Debian package chromium); install it to run the browser test")
	return ""
}

// TestUIInBrowser logs in through the dashboard in headless Chromium and
// reads what it draws: the demo banner, the SVG chart of open findings by
// severity, every version of the organization, and its KEV findings.
func TestUIInBrowser(t *testing.T) {
	exe := chromium(t)
	f := newFixture(t, openSQLite, func(c *Config) { c.Demo = true })
	srv := httptest.NewServer(f.srv)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	defer cancel3()
	run := func(what string, a chromedp.Action[struct{}]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	run("open", chromedp.Navigate(srv.URL+"/"))
	run("login form", chromedp.WaitVisible(`#login`))
	run("e-mail", chromedp.SendKeys(`input[name=email]`, f.a.users[store.RoleViewer].Email))
	run("password", chromedp.SendKeys(`input[name=password]`, password))
	run("log in", chromedp.Click(`#login button`))
	run("chart", chromedp.WaitVisible(`#chart svg`))
	run("KEV line", chromedp.WaitVisible(`#kev`))

	eval := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return n
	}
	banner, err := chromedp.Run(ctx, chromedp.Text(`#demo-banner`))
	if err != nil || !strings.Contains(banner, "DEMO DATA") {
		t.Errorf("demo banner %q, %v", banner, err)
	}
	if bars := eval(`document.querySelectorAll("#chart svg rect").length`); bars != 5 {
		t.Errorf("chart has %d bars, want 5 (critical … unknown)", bars)
	}
	if eval(`document.getElementById("login").offsetParent === null ? 1 : 0`) != 1 {
		t.Error("the login form is still shown after logging in")
	}
	// The page shows what the API says: every version, the open findings.
	var versions, open int
	ps, err := f.st.ListProducts(t.Context(), f.a.org.ID, store.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		vs, err := f.st.ListVersions(t.Context(), f.a.org.ID, p.ID, store.Page{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		versions += len(vs)
	}
	fs, err := f.st.ListFindings(t.Context(), f.a.org.ID, store.FindingFilter{Status: store.StatusOpen}, store.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	open = len(fs)
	if rows := eval(`document.querySelectorAll("#products tbody tr").length`); rows != versions {
		t.Errorf("products table has %d rows, want %d versions", rows, versions)
	}
	kevText, _ := chromedp.Run(ctx, chromedp.Text(`#kev`))
	if want := strings.Fields(kevText); len(want) == 0 || want[0] != itoa(open) {
		t.Errorf("KEV line %q: want it to start with the %d open findings", kevText, open)
	}
}

func itoa(n int) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{digits[n%10]}, b...)
	}
	return string(b)
}
