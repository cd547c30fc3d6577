package webhookhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	prana "example.invalid/prana-webhook/go"
)

const approval = `{"id": "approval", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "notify", "type": "log", "params": {"text": "approve at {{ $execution.wait_approval.resume_url }}"}},
  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
  {"key": "done", "type": "log"},
  {"key": "escalate", "type": "log"}],
 "connections": [{"from": "trigger", "to": "notify"}, {"from": "notify", "to": "wait_approval"},
                 {"from": "wait_approval", "port": "main", "to": "done"},
                 {"from": "wait_approval", "port": "timeout", "to": "escalate"}]}`

// clock is a settable test clock.
type clock struct{ ms atomic.Int64 }

func (c *clock) now() time.Time       { return time.UnixMilli(c.ms.Load()) }
func (c *clock) add(d time.Duration)  { c.ms.Add(int64(d / time.Millisecond)) }
func newClock(start time.Time) *clock { c := &clock{}; c.ms.Store(start.UnixMilli()); return c }

// fixture is a handler over a memory store behind an httptest server.
type fixture struct {
	t     *testing.T
	h     *Handler
	store *MemoryStore
	srv   *httptest.Server
	clock *clock
	ran   chan string // node ids the log handler ran
}

func newFixture(t *testing.T, policy prana.SignaturePolicy, signed bool) *fixture {
	t.Helper()
	return newFixtureMax(t, policy, signed, 1024)
}

// newFixtureMax is newFixture with a body limit (0: the default, 1 MiB).
func newFixtureMax(t *testing.T, policy prana.SignaturePolicy, signed bool, maxPayload int64) *fixture {
	t.Helper()
	f := &fixture{t: t, store: NewMemoryStore(), clock: newClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)),
		ran: make(chan string, 256)}
	f.srv = httptest.NewUnstartedServer(nil)
	base, err := prana.NewBaseURL("http://" + f.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	var keys *prana.KeySet
	if signed {
		keys = testKeys(t)
	}
	f.h, err = New(Config{BaseURL: base, Store: f.store, Keys: keys, SignaturePolicy: policy,
		MaxPayload: maxPayload, Now: f.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	f.h.AddWorkflow(testWorkflow(t))
	f.h.HandleNode("log", f.logNode)
	f.srv.Config.Handler = f.h
	f.srv.Start()
	t.Cleanup(func() { f.srv.Close(); f.h.Close(); base.Close() })
	return f
}

func (f *fixture) logNode(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
	f.ran <- c.NodeID
	out, _ := json.Marshal(map[string]json.RawMessage{"node": json.RawMessage(`"` + c.NodeID + `"`), "input": c.Input})
	return prana.NodeResult{Output: out}, nil
}

func testKeys(t *testing.T) *prana.KeySet {
	k, err := prana.NewKeySet()
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Add("k1", []byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func testWorkflow(t *testing.T) *prana.Workflow {
	wf, err := prana.NewWorkflow([]byte(approval))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wf.Close() })
	return wf
}

type answer struct {
	status int
	body   map[string]json.RawMessage
}

func (a answer) str(key string) string {
	var s string
	_ = json.Unmarshal(a.body[key], &s)
	return s
}

func do(t *testing.T, method, url, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Fatalf("%s %s: %d %q is not JSON: %v", method, url, resp.StatusCode, raw, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	return a
}

func (f *fixture) trigger(body string) (execID, resumeURL string) {
	f.t.Helper()
	a := do(f.t, "POST", f.srv.URL+"/webhook/workflow/trigger/approval", body)
	if a.status != 200 || a.str("status") != "suspended" || a.str("current_node") != "wait_approval" {
		f.t.Fatalf("trigger: %d %s", a.status, a.body)
	}
	var urls map[string]string
	if err := json.Unmarshal(a.body["resume_urls"], &urls); err != nil || urls["wait_approval"] == "" {
		f.t.Fatalf("resume_urls %s %v", a.body["resume_urls"], err)
	}
	if got := <-f.ran; got != "notify" {
		f.t.Fatalf("ran %q", got)
	}
	return a.str("execution_id"), urls["wait_approval"]
}

// checkRowsMatchLibrary checks that every stored registration row equals
// the registration the stored execution state holds.
func checkRowsMatchLibrary(t *testing.T, wf *prana.Workflow, regs []RegistrationRow, state []byte) {
	t.Helper()
	x, err := prana.ExecutionFromJSON(state, prana.WithMaxPayload(prana.ServerMaxPayload))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	lib, err := x.Registrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(lib) != len(regs) {
		t.Fatalf("%d stored rows, the execution holds %d", len(regs), len(lib))
	}
	for _, r := range lib {
		id, err := r.ResumeID()
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		// The row the library gives for the registration now.
		want, err := rowOf(wf, x, id)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, got := range regs {
			if got.ResumeID == want.ResumeID {
				found = true
				if got.Status != want.Status || !bytes.Equal(got.JSON, want.JSON) || !got.ExpiresAt.Equal(want.ExpiresAt) {
					t.Fatalf("stored row %+v\nlibrary row %+v", got, want)
				}
			}
		}
		if !found {
			t.Fatalf("no stored row for %s", want.ResumeID)
		}
	}
}

func TestTriggerResumeThenAlreadyUsed(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	exec, url := f.trigger(`{"amount": 12}`)
	if !strings.Contains(url, "?sig=k1.") || !strings.HasPrefix(url, f.srv.URL+"/webhook/workflow/resume/webhook_"+exec+"_wait_approval_") {
		t.Fatalf("resume URL %q", url)
	}
	regs := f.store.Registrations(exec)
	if len(regs) != 1 || regs[0].Status != prana.Active {
		t.Fatalf("after trigger %+v", regs)
	}
	e, _ := f.store.Execution(context.Background(), exec)
	checkRowsMatchLibrary(t, f.h.workflow(e.WorkflowID), regs, e.State)

	f.clock.add(10 * time.Minute)
	a := do(t, "POST", url, `{"approved": true}`)
	if a.status != 200 || a.str("status") != "completed" || a.str("execution_id") != exec {
		t.Fatalf("resume: %d %s", a.status, a.body)
	}
	if got := <-f.ran; got != "done" {
		t.Fatalf("ran %q", got)
	}
	var out struct {
		Node  string          `json:"node"`
		Input json.RawMessage `json:"input"`
	}
	if err := json.Unmarshal(a.body["output"], &out); err != nil || out.Node != "done" || string(out.Input) != `{"approved":true}` {
		t.Fatalf("output %s %v", a.body["output"], err)
	}
	regs = f.store.Registrations(exec)
	e, _ = f.store.Execution(context.Background(), exec)
	if regs[0].Status != prana.Consumed || e.Status != prana.ExecutionCompleted {
		t.Fatalf("after resume %+v %v", regs, e.Status)
	}
	checkRowsMatchLibrary(t, f.h.workflow(e.WorkflowID), regs, e.State)

	a = do(t, "POST", url, `{"approved": false}`)
	if a.status != 409 || a.str("error") != "webhook_already_used" || a.str("message") == "" {
		t.Fatalf("second resume: %d %s", a.status, a.body)
	}
}

func TestRejections(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	_, url := f.trigger(`{}`)
	unsigned := url[:strings.Index(url, "?")]
	rid := unsigned[strings.LastIndex(unsigned, "/")+1:]
	for _, c := range []struct {
		method, url, body string
		status            int
		code              string
	}{
		{"POST", f.srv.URL + "/elsewhere", "", 404, "not_found"},
		{"POST", f.srv.URL + "/webhook/workflow/resume/bad!", "", 400, "invalid_webhook_url"},
		{"POST", unsigned, "{}", 401, "invalid_signature"},
		{"POST", unsigned + "?sig=k1.AAAAAAAAAAAAAAAAAAAAAA", "{}", 401, "invalid_signature"},
		{"PUT", url, "{}", 405, "method_not_allowed"},
		{"POST", url, `{"big": "` + strings.Repeat("x", 2000) + `"}`, 413, "payload_too_large"},
		{"POST", url, `{bad`, 400, "invalid_json"},
		{"POST", f.srv.URL + "/webhook/workflow/trigger/nope", "{}", 404, "workflow_not_found"},
		{"POST", f.srv.URL + "/webhook/workflow/trigger/approval", "[1,", 400, "invalid_json"},
	} {
		a := do(t, c.method, c.url, c.body)
		if a.status != c.status || a.str("error") != c.code || a.str("message") == "" {
			t.Errorf("%s %s: %d %s, want %d %s", c.method, c.url, a.status, a.body, c.status, c.code)
		}
	}
	// A resume ID with a valid signature but no row: 404 webhook_not_found.
	other := strings.Replace(rid, "wait_approval", "wait_other", 1)
	sig, err := f.h.keys.Sign(prana.RouteResume, other)
	if err != nil {
		t.Fatal(err)
	}
	a := do(t, "POST", f.srv.URL+"/webhook/workflow/resume/"+other+"?sig="+sig, "{}")
	if a.status != 404 || a.str("error") != "webhook_not_found" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	// Errors from Trigger match the package's sentinels.
	_, err = f.h.Trigger(context.Background(), "nope", nil)
	var e *Error
	if !errors.As(err, &e) || e.Status != 404 || e.Code != "workflow_not_found" {
		t.Fatalf("%v", err)
	}
}

func TestPendingWaitIsNotActive(t *testing.T) {
	// Two waits in a row: the second is pending while the first waits.
	const twoWaits = `{"id": "two", "nodes": [
	  {"key": "trigger", "type": "trigger"},
	  {"key": "first", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
	  {"key": "second", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}}],
	 "connections": [{"from": "trigger", "to": "first"}, {"from": "first", "to": "second"}]}`
	f := newFixture(t, prana.SignatureOff, false)
	wf, err := prana.NewWorkflow([]byte(twoWaits))
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	f.h.AddWorkflow(wf)
	a := do(t, "POST", f.srv.URL+"/webhook/workflow/trigger/two", "{}")
	var urls map[string]string
	if err := json.Unmarshal(a.body["resume_urls"], &urls); a.status != 200 || err != nil {
		t.Fatalf("%d %s", a.status, a.body)
	}
	a = do(t, "POST", urls["second"], "{}")
	if a.status != 400 || a.str("error") != "wait_node_not_active" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	// A GET reads (JSON for a client that does not ask for HTML).
	a = do(t, "GET", urls["first"]+"?answer=yes", "")
	if a.status != 200 || a.str("status") != "active" || a.str("node") != "first" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	a = do(t, "POST", urls["first"], `{"answer": "yes"}`)
	if a.status != 200 || a.str("status") != "suspended" || a.str("current_node") != "second" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	exec := a.str("execution_id")
	regs := f.store.Registrations(exec)
	e, _ := f.store.Execution(context.Background(), exec)
	if regs[0].Status != prana.Consumed || regs[1].Status != prana.Active {
		t.Fatalf("%+v", regs)
	}
	checkRowsMatchLibrary(t, f.h.workflow(e.WorkflowID), regs, e.State)
	a = do(t, "POST", urls["second"], `{"n": 2}`)
	if a.status != 200 || a.str("status") != "completed" || string(a.body["output"]) != `{"n":2}` {
		t.Fatalf("%d %s", a.status, a.body)
	}
}

func TestExpiryThroughTimeoutPort(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	exec, url := f.trigger(`{}`)
	ctx := context.Background()
	if n, err := f.h.ExpireDue(ctx, -1); err != nil || n != 0 {
		t.Fatalf("nothing due yet: %d %v", n, err)
	}
	f.clock.add(time.Hour + time.Millisecond)
	// Past its expiry the URL answers 410 even before the sweeper ran.
	if a := do(t, "POST", url, "{}"); a.status != 410 || a.str("error") != "webhook_expired" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	n, err := f.h.ExpireDue(ctx, -1)
	if err != nil || n != 1 {
		t.Fatalf("expired %d %v", n, err)
	}
	if got := <-f.ran; got != "escalate" {
		t.Fatalf("ran %q, want the timeout port's node", got)
	}
	e, _ := f.store.Execution(ctx, exec)
	regs := f.store.Registrations(exec)
	if e.Status != prana.ExecutionCompleted || regs[0].Status != prana.Expired {
		t.Fatalf("%v %+v", e.Status, regs)
	}
	checkRowsMatchLibrary(t, f.h.workflow(e.WorkflowID), regs, e.State)
	if n, err := f.h.ExpireDue(ctx, -1); err != nil || n != 0 {
		t.Fatalf("expired twice: %d %v", n, err)
	}
	if a := do(t, "POST", url, "{}"); a.status != 410 || a.str("error") != "webhook_expired" {
		t.Fatalf("%d %s", a.status, a.body)
	}
}

// TestConcurrentResumesMemory races 100 requests on one URL through two
// handlers sharing one MemoryStore: exactly one 200.
func TestConcurrentResumesMemory(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	second, err := New(Config{BaseURL: f.h.cfg.BaseURL, Store: f.store, Keys: f.h.cfg.Keys, Now: f.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.AddWorkflow(f.h.workflow("approval"))
	second.HandleNode("log", f.logNode)
	srv2 := httptest.NewServer(second)
	defer srv2.Close()

	_, url := f.trigger(`{}`)
	url2 := srv2.URL + url[len(f.srv.URL):]
	codes := raceResumes(t, []string{url, url2}, 100)
	if codes[200] != 1 || codes[409] != 99 {
		t.Fatalf("status counts %v", codes)
	}
}

// raceResumes sends n concurrent resumes spread over urls and counts the
// statuses.
func raceResumes(t *testing.T, urls []string, n int) map[int]int {
	t.Helper()
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			resp, err := http.Post(urls[i%len(urls)], "application/json", strings.NewReader(fmt.Sprintf(`{"i": %d}`, i)))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}(i)
	}
	close(start)
	wg.Wait()
	return codes
}

// onlyReader hides the length of a body, so the client sends it chunked.
type onlyReader struct{ io.Reader }

func TestChunkedBodyOverLimit(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	body := `{"big": "` + strings.Repeat("x", 2000) + `"}`
	req, _ := http.NewRequest("POST", f.srv.URL+"/webhook/workflow/trigger/approval", onlyReader{strings.NewReader(body)})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&m)
	if resp.StatusCode != 413 || m["error"] != "payload_too_large" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	if n := len(f.ran); n != 0 {
		t.Fatalf("%d nodes ran", n)
	}
}

func TestStandardWebhooksTrigger(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	secret, err := prana.NewWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	defer secret.Close()
	f.h.cfg.TriggerSecret = secret
	url := f.srv.URL + "/webhook/workflow/trigger/approval"
	body := []byte(`{"amount": 3}`)
	if a := do(t, "POST", url, string(body)); a.status != 401 || a.str("error") != "invalid_signature" {
		t.Fatalf("unsigned trigger %d %s", a.status, a.body)
	}
	now := f.clock.now()
	sig, err := secret.Sign("msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("webhook-id", "msg_1")
	req.Header.Set("webhook-timestamp", fmt.Sprint(now.Unix()))
	req.Header.Set("webhook-signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("signed trigger %d", resp.StatusCode)
	}
}
