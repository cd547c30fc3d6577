package webhookhttp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	prana "example.invalid/prana-webhook/go"
)

// A wait with Approve / Reject: Reject cancels, through the cancel port
// when it is wired.
const cancellable = `{"id": "cancellable", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1,
     "webhook_config": {"title": "Approve the <b>order</b>?", "description": "Order 42"}}},
  {"key": "done", "type": "log"},
  {"key": "rejected", "type": "log"}],
 "connections": [{"from": "trigger", "to": "wait_approval"},
                 {"from": "wait_approval", "port": "main", "to": "done"},
                 {"from": "wait_approval", "port": "cancel", "to": "rejected"}]}`

// No cancel port: a cancel ends the execution cancelled.
const noCancelPort = `{"id": "nocancel", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
  {"key": "done", "type": "log"}],
 "connections": [{"from": "trigger", "to": "wait_approval"}, {"from": "wait_approval", "to": "done"}]}`

// A form wait.
const expenseForm = `{"id": "expense", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "wait_expense", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 72,
     "webhook_config": {"title": "Expense", "description": "Enter the expense",
       "form": [{"name": "amount", "type": "number", "label": "Amount", "required": true},
                {"name": "category", "type": "select", "label": "Category", "options": ["travel", "meals"], "required": true},
                {"name": "note", "type": "textarea", "label": "Note"},
                {"name": "urgent", "type": "boolean", "label": "Urgent"}]}}},
  {"key": "record", "type": "record"}],
 "connections": [{"from": "trigger", "to": "wait_expense"}, {"from": "wait_expense", "to": "record"}]}`

// waitURLs are the URLs a trigger answers for its one wait node.
type waitURLs struct {
	exec, resume, cancel, extend string
}

func (f *fixture) add(def string) {
	f.t.Helper()
	wf, err := prana.NewWorkflow([]byte(def))
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { wf.Close() })
	f.h.AddWorkflow(wf)
}

func (f *fixture) start(workflowID, node, body string) waitURLs {
	f.t.Helper()
	a := do(f.t, "POST", f.srv.URL+"/webhook/workflow/trigger/"+workflowID, body)
	if a.status != 200 || a.str("status") != "suspended" || a.str("current_node") != node {
		f.t.Fatalf("trigger: %d %s", a.status, a.body)
	}
	var r, c, e map[string]string
	_ = json.Unmarshal(a.body["resume_urls"], &r)
	_ = json.Unmarshal(a.body["cancel_urls"], &c)
	_ = json.Unmarshal(a.body["extend_urls"], &e)
	if r[node] == "" || c[node] == "" || e[node] == "" {
		f.t.Fatalf("urls %s", a.body)
	}
	return waitURLs{exec: a.str("execution_id"), resume: r[node], cancel: c[node], extend: e[node]}
}

// raw is an answer that may be HTML.
type raw struct {
	status int
	header http.Header
	body   string
}

func send(t *testing.T, method, u, contentType, accept, body string) raw {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return raw{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
const formType = "application/x-www-form-urlencoded"

func (f *fixture) status(exec string) (prana.RunStatus, []RegistrationRow) {
	f.t.Helper()
	e, err := f.store.Execution(context.Background(), exec)
	if err != nil {
		f.t.Fatal(err)
	}
	regs := f.store.Registrations(exec)
	checkRowsMatchLibrary(f.t, f.h.workflow(e.WorkflowID), regs, e.State)
	return e.Status, regs
}

func TestCancelThroughCancelPort(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	f.add(cancellable)
	u := f.start("cancellable", "wait_approval", `{"order": 42}`)
	if !strings.Contains(u.cancel, "/webhook/workflow/cancel/") || !strings.Contains(u.cancel, "?sig=k1.") {
		t.Fatalf("cancel URL %s", u.cancel)
	}
	// The resume URL's signature does not open the cancel URL.
	wrong := strings.Replace(u.resume, "/resume/", "/cancel/", 1)
	if a := do(t, "POST", wrong, ""); a.status != 401 || a.str("error") != "invalid_signature" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	a := do(t, "POST", u.cancel, "")
	if a.status != 200 || a.str("status") != "completed" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if got := <-f.ran; got != "rejected" {
		t.Fatalf("ran %q, want the cancel port's node", got)
	}
	st, regs := f.status(u.exec)
	if st != prana.ExecutionCompleted || regs[0].Status != prana.Consumed {
		t.Fatalf("%v %+v", st, regs)
	}
	// Both URLs are used now.
	for _, url := range []string{u.cancel, u.resume} {
		if a := do(t, "POST", url, "{}"); a.status != 409 || a.str("error") != "webhook_already_used" {
			t.Fatalf("%s: %d %s", url, a.status, a.body)
		}
	}
}

func TestCancelWithoutPortEndsCancelled(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	f.add(noCancelPort)
	u := f.start("nocancel", "wait_approval", `{}`)
	a := do(t, "POST", u.cancel, "")
	if a.status != 200 || a.str("status") != "cancelled" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if n := len(f.ran); n != 0 {
		t.Fatalf("%d nodes ran after a cancel without a cancel port", n)
	}
	st, regs := f.status(u.exec)
	if st != prana.ExecutionCancelled || st.String() != "cancelled" || regs[0].Status != prana.Consumed {
		t.Fatalf("%v %+v", st, regs)
	}
}

// TestCancelResumeRace sends 64 concurrent requests, resumes and cancels
// mixed, through two handlers sharing one store: exactly one wins.
func TestCancelResumeRace(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	f.add(cancellable)
	second, err := New(Config{BaseURL: f.h.cfg.BaseURL, Store: f.store, Keys: f.h.cfg.Keys, Now: f.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.AddWorkflow(f.h.workflow("cancellable"))
	second.HandleNode("log", f.logNode)
	srv2 := newServer(t, second)
	u := f.start("cancellable", "wait_approval", `{}`)
	urls := []string{u.resume, u.cancel, srv2 + u.resume[len(f.srv.URL):], srv2 + u.cancel[len(f.srv.URL):]}
	codes := raceResumes(t, urls, 64)
	if codes[200] != 1 || codes[409] != 63 {
		t.Fatalf("status counts %v", codes)
	}
	st, regs := f.status(u.exec)
	if st != prana.ExecutionCompleted || regs[0].Status != prana.Consumed {
		t.Fatalf("%v %+v", st, regs)
	}
	if got := <-f.ran; got != "done" && got != "rejected" {
		t.Fatalf("ran %q", got)
	}
	if n := len(f.ran); n != 0 {
		t.Fatalf("%d more nodes ran", n)
	}
}

func TestExtendThenExpiryAtNewTime(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	exec, _ := f.trigger(`{}`)
	regs := f.store.Registrations(exec)
	u := waitURLs{exec: exec}
	var err error
	if u.extend, err = f.h.actionURL(prana.RouteExtend, regs[0].ResumeID); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f.clock.add(30 * time.Minute)
	// Not later than the expiry it has (1 h from the start): 422.
	if a := do(t, "POST", u.extend, `{"timeout_hours": 0.25}`); a.status != 422 || a.str("error") != "extend_not_later" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	// A GET does not extend.
	if a := send(t, "GET", u.extend, "", "", ""); a.status != 405 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	a := do(t, "POST", u.extend, `{"timeout_hours": 2}`)
	want := f.clock.now().Add(2 * time.Hour)
	var got time.Time
	_ = json.Unmarshal(a.body["expires_at"], &got)
	if a.status != 200 || !got.Equal(want) {
		t.Fatalf("%d %s, want expiry %v", a.status, a.body, want)
	}
	if row, _ := f.store.Registration(ctx, regs[0].ResumeID); !row.ExpiresAt.Equal(want) || row.Status != prana.Active {
		t.Fatalf("stored %+v", row)
	}
	// The execution recorded the extension: its row is the stored one.
	e, _ := f.store.Execution(ctx, exec)
	checkRowsMatchLibrary(t, f.h.workflow(e.WorkflowID), f.store.Registrations(exec), e.State)
	// Past the old expiry nothing is due; a millisecond before the new
	// one neither.
	f.clock.add(time.Hour)
	if n, err := f.h.ExpireDue(ctx, -1); err != nil || n != 0 {
		t.Fatalf("expired %d %v before the new expiry", n, err)
	}
	f.clock.ms.Store(want.UnixMilli() - 1)
	if n, err := f.h.ExpireDue(ctx, -1); err != nil || n != 0 {
		t.Fatalf("expired %d %v before the new expiry", n, err)
	}
	f.clock.ms.Store(want.UnixMilli())
	if n, err := f.h.ExpireDue(ctx, -1); err != nil || n != 1 {
		t.Fatalf("expired %d %v at the new expiry", n, err)
	}
	if got := <-f.ran; got != "escalate" {
		t.Fatalf("ran %q", got)
	}
	e, _ = f.store.Execution(ctx, exec)
	if row, _ := f.store.Registration(ctx, regs[0].ResumeID); row.Status != prana.Expired || e.Status != prana.ExecutionCompleted {
		t.Fatalf("%+v %v", row, e.Status)
	}
	checkRowsMatchLibrary(t, f.h.workflow(e.WorkflowID), f.store.Registrations(exec), e.State)
	// An expired wait is not extended.
	if a := do(t, "POST", u.extend, `{}`); a.status != 410 || a.str("error") != "webhook_expired" {
		t.Fatalf("%d %s", a.status, a.body)
	}
}

func TestExtendThenResumeAfterOldExpiry(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	exec, resume := f.trigger(`{}`)
	regs := f.store.Registrations(exec)
	extend, _ := f.h.actionURL(prana.RouteExtend, regs[0].ResumeID)
	if a := do(t, "POST", extend, ""); a.status != 200 { // default 24 h
		t.Fatalf("%d %s", a.status, a.body)
	}
	f.clock.add(2 * time.Hour)
	if a := do(t, "POST", resume, `{"late": true}`); a.status != 200 || a.str("status") != "completed" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if got := <-f.ran; got != "done" {
		t.Fatalf("ran %q", got)
	}
}

func TestGetReadsAndLeavesTheWaitActive(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	f.add(cancellable)
	u := f.start("cancellable", "wait_approval", `{}`)
	// A browser gets the page with the security headers; config text is
	// escaped by the library.
	p := send(t, "GET", u.resume, "", browserAccept, "")
	if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(p.header.Get("Content-Security-Policy"), "script-src 'none'") && !strings.Contains(p.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("%d %v", p.status, p.header)
	}
	if strings.Contains(p.body, "<b>order</b>") || !strings.Contains(p.body, "&lt;b&gt;order&lt;/b&gt;") {
		t.Fatalf("config text not escaped: %s", p.body)
	}
	if !strings.Contains(p.body, "/webhook/workflow/cancel/") {
		t.Fatalf("no Reject to the cancel URL: %s", p.body)
	}
	for _, h := range prana.SecurityHeaders() {
		if p.header.Get(h.Name) != h.Value {
			t.Fatalf("header %s = %q, want %q", h.Name, p.header.Get(h.Name), h.Value)
		}
	}
	// A link scanner (curl-like */*) and an API client get JSON.
	for _, accept := range []string{"*/*", "", "application/json"} {
		j := send(t, "GET", u.cancel, "", accept, "")
		var d map[string]json.RawMessage
		if err := json.Unmarshal([]byte(j.body), &d); err != nil || j.status != 200 || string(d["status"]) != `"active"` || string(d["node"]) != `"wait_approval"` {
			t.Fatalf("accept %q: %d %s", accept, j.status, j.body)
		}
	}
	// A bad signature on a GET is the 401 page.
	bad := u.resume[:strings.Index(u.resume, "?")] + "?sig=k1.AAAAAAAAAAAAAAAAAAAAAA"
	if p := send(t, "GET", bad, "", browserAccept, ""); p.status != 401 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", p.status, p.body)
	}
	st, regs := f.status(u.exec)
	if st != prana.ExecutionSuspended || regs[0].Status != prana.Active || len(f.ran) != 0 {
		t.Fatalf("a GET changed something: %v %+v", st, regs)
	}
	// Approve posts decision=approve: {"approved": true}, the done page.
	p = send(t, "POST", u.resume, formType, browserAccept, "decision=approve")
	if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", p.status, p.body)
	}
	if got := <-f.ran; got != "done" {
		t.Fatalf("ran %q", got)
	}
	e, _ := f.store.Execution(context.Background(), u.exec)
	x, _ := prana.ExecutionFromJSON(e.State)
	defer x.Close()
	if out, _ := x.Output(); !strings.Contains(string(out), `"input":{"approved":true}`) {
		t.Fatalf("output %s", out)
	}
	// A second visit: the already-used page, 409.
	if p := send(t, "GET", u.resume, "", browserAccept, ""); p.status != 409 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", p.status, p.body)
	}
	if p := send(t, "POST", u.cancel, formType, browserAccept, "decision=reject"); p.status != 409 {
		t.Fatalf("%d %s", p.status, p.body)
	}
}

func TestRejectButtonCancels(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	f.add(cancellable)
	u := f.start("cancellable", "wait_approval", `{}`)
	p := send(t, "POST", u.cancel, formType, browserAccept, "decision=reject")
	if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", p.status, p.body)
	}
	if got := <-f.ran; got != "rejected" {
		t.Fatalf("ran %q", got)
	}
}

func TestGetConsumesOption(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	f.h.cfg.GetConsumes = true
	exec, url := f.trigger(`{}`)
	// A GET on the cancel URL still only reads.
	cancel, _ := f.h.actionURL(prana.RouteCancel, f.store.Registrations(exec)[0].ResumeID)
	if a := do(t, "GET", cancel, ""); a.status != 200 || a.str("status") != "active" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	a := do(t, "GET", url+"&answer=yes", "")
	if a.status != 200 || a.str("status") != "completed" || !strings.Contains(string(a.body["output"]), `{"answer":"yes"}`) {
		t.Fatalf("%d %s", a.status, a.body)
	}
}

func TestFormPostCompletesWithTypedOutput(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	f.add(expenseForm)
	var out []byte
	f.h.HandleNode("record", func(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
		out = append([]byte(nil), c.Input...)
		return prana.NodeResult{Output: c.Input}, nil
	})
	u := f.start("expense", "wait_expense", `{}`)
	p := send(t, "GET", u.resume, "", browserAccept, "")
	if p.status != 200 || !strings.Contains(p.body, `name="amount"`) || !strings.Contains(p.body, "travel") {
		t.Fatalf("%d %s", p.status, p.body)
	}
	// Refused: not a number, not an option. The page says so (422) and
	// the wait stays active.
	bad := url.Values{"amount": {"12x"}, "category": {"boats"}}.Encode()
	p = send(t, "POST", u.resume, formType, browserAccept, bad)
	if p.status != 422 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") || !strings.Contains(p.body, "12x") {
		t.Fatalf("%d %s", p.status, p.body)
	}
	if st, regs := f.status(u.exec); st != prana.ExecutionSuspended || regs[0].Status != prana.Active || out != nil {
		t.Fatalf("a refused form changed something: %v %+v", st, regs)
	}
	good := url.Values{"amount": {"12.5"}, "category": {"meals"}, "note": {`<script>alert("x")</script>`}, "urgent": {"on"}}.Encode()
	p = send(t, "POST", u.resume, formType, browserAccept, good)
	if p.status != 200 {
		t.Fatalf("%d %s", p.status, p.body)
	}
	var typed map[string]interface{}
	if err := json.Unmarshal(out, &typed); err != nil {
		t.Fatalf("%s %v", out, err)
	}
	if typed["amount"] != 12.5 || typed["category"] != "meals" || typed["note"] != `<script>alert("x")</script>` || typed["urgent"] != true {
		t.Fatalf("typed output %s", out)
	}
	if st, _ := f.status(u.exec); st != prana.ExecutionCompleted {
		t.Fatalf("%v", st)
	}
}

// TestMegabytePayloads: with the default limit a 1 MiB trigger payload
// and a 1 MiB resume payload go through; one byte more is 413.
func TestMegabytePayloads(t *testing.T) {
	f := newFixtureMax(t, prana.SignatureRequired, true, 0)
	f.h.HandleNode("record", func(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
		return prana.NodeResult{Output: c.Input}, nil
	})
	f.add(`{"id": "big", "nodes": [
	  {"key": "trigger", "type": "trigger"},
	  {"key": "first", "type": "record"},
	  {"key": "wait_big", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
	  {"key": "last", "type": "record"}],
	 "connections": [{"from": "trigger", "to": "first"}, {"from": "first", "to": "wait_big"}, {"from": "wait_big", "to": "last"}]}`)
	payload := func(n int, tag string) string {
		head := `{"tag": "` + tag + `", "blob": "`
		return head + strings.Repeat("x", n-len(head)-2) + `"}`
	}
	const mib = 1 << 20
	if a := do(t, "POST", f.srv.URL+"/webhook/workflow/trigger/big", payload(mib+1, "t")); a.status != 413 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	u := f.start("big", "wait_big", payload(mib, "t"))
	if a := do(t, "POST", u.resume, payload(mib+1, "r")); a.status != 413 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	a := do(t, "POST", u.resume, payload(mib, "r"))
	// The answer's JSON encoder compacts the output: 3 spaces less.
	if a.status != 200 || a.str("status") != "completed" || len(a.body["output"]) != mib-3 {
		t.Fatalf("%d %s (output %d bytes)", a.status, a.str("error")+a.str("message"), len(a.body["output"]))
	}
	if !strings.HasPrefix(string(a.body["output"]), `{"tag":"r"`) {
		t.Fatalf("output starts %.40s", a.body["output"])
	}
	f.status(u.exec)
}

func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestExtendBetweenDueAndSweepWins: a sweeper that listed a wait as due
// before an extend moved it does not expire it.
func TestExtendBetweenDueAndSweepWins(t *testing.T) {
	f := newFixture(t, prana.SignatureRequired, true)
	exec, _ := f.trigger(`{}`)
	ctx := context.Background()
	f.clock.add(time.Hour)
	due, err := f.store.Due(ctx, f.clock.now(), -1)
	if err != nil || len(due) != 1 {
		t.Fatalf("%+v %v", due, err)
	}
	f.clock.add(-time.Millisecond)
	extend, _ := f.h.actionURL(prana.RouteExtend, due[0].ResumeID)
	if a := do(t, "POST", extend, `{"timeout_hours": 1}`); a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	f.clock.add(time.Millisecond)
	if ok, err := f.h.expireOne(ctx, due[0], f.clock.now()); ok || err != nil {
		t.Fatalf("expired a wait extended in between: %v %v", ok, err)
	}
	// (The stored row is the authority for the expiry after an extend: the
	// execution's state keeps the expiry of activation.)
	e, _ := f.store.Execution(ctx, exec)
	if row, _ := f.store.Registration(ctx, due[0].ResumeID); e.Status != prana.ExecutionSuspended || row.Status != prana.Active {
		t.Fatalf("%v %+v", e.Status, row)
	}
}
