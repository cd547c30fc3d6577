package prana

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const cancelWorkflow = `{"id": "cancel", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1,
     "webhook_config": {"title": "Approve <it>?", "form": [{"name": "amount", "type": "number", "label": "Amount", "required": true}]}}},
  {"key": "done", "type": "log"},
  {"key": "rejected", "type": "log"}],
 "connections": [{"from": "trigger", "to": "wait_approval"},
                 {"from": "wait_approval", "port": "main", "to": "done"},
                 {"from": "wait_approval", "port": "cancel", "to": "rejected"}]}`

// suspended starts def and runs it to its wait; it gives the workflow, the
// execution and the active registration as the host's row holds it.
func suspended(t *testing.T, def string, h NodeHandler, opts ...Option) (*Workflow, *Execution, *Registration, RunResult) {
	t.Helper()
	wf, err := NewWorkflow([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := NewBaseURL("https://gw.example.com")
	g, _ := NewIDGenerator(make([]byte, IDSeedLen))
	t.Cleanup(func() { wf.Close(); base.Close(); g.Close() })
	x, err := StartExecution(wf, "exec-1", base, g, ms(1000), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	r, err := x.Run(ctx, wf, h, []byte(`{}`), ms(2000))
	if err != nil || r.Outcome != OutcomeSuspended {
		t.Fatalf("%+v %v", r, err)
	}
	row, err := x.RegistrationJSON(wf, r.ResumeID)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := RegistrationFromJSON(row)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return wf, x, reg, r
}

func TestCancelThroughThePortAndWithout(t *testing.T) {
	var ran []string
	h := func(_ context.Context, c NodeCall) (NodeResult, error) {
		ran = append(ran, c.NodeID)
		return NodeResult{Output: c.Input}, nil
	}
	wf, x, reg, r := suspended(t, cancelWorkflow, h)
	d, err := CancelDecide(r.ResumeID, reg, ms(3000))
	want := Transition{ResumeID: r.ResumeID, From: Active, To: Consumed}
	if err != nil || !d.Resume || d.Transition != want || d.Answer.Status != 200 {
		t.Fatalf("%+v %v", d, err)
	}
	res, err := x.Cancel(ctx, wf, h, d.Transition, ms(3000))
	if err != nil || res.Outcome != OutcomeCompleted || len(ran) != 1 || ran[0] != "rejected" {
		t.Fatalf("%+v %v %v", res, err, ran)
	}
	for _, tr := range res.Transitions {
		if tr == d.Transition {
			t.Fatalf("cancel repeated the applied transition: %+v", res.Transitions)
		}
	}
	if row, _ := x.RegistrationJSON(wf, r.ResumeID); !bytes.Contains(row, []byte(`"status":"consumed"`)) {
		t.Fatalf("%s", row)
	}
	// A consumed registration: the same 409 for cancel and resume.
	if _, err := reg.Consume(ms(3000)); err != nil {
		t.Fatal(err)
	}
	for _, decide := range []func(string, *Registration, time.Time) (Decision, error){CancelDecide, DecideResume} {
		d, _ := decide(r.ResumeID, reg, ms(3001))
		if d.Resume || d.Answer.Status != 409 || !errors.Is(d.Answer.Err(), ErrAlreadyUsed) {
			t.Fatalf("%+v", d)
		}
	}

	// Without a cancel port the execution ends cancelled.
	wf2, y, reg2, r2 := suspended(t, approvalWorkflow, h)
	d, _ = CancelDecide(r2.ResumeID, reg2, ms(3000))
	ran = nil
	res, err = y.Cancel(ctx, wf2, h, d.Transition, ms(3000))
	st, _ := y.Status()
	if err != nil || res.Outcome != OutcomeCancelled || st != ExecutionCancelled || st.String() != "cancelled" || len(ran) != 0 {
		t.Fatalf("%+v %v %v %v", res, err, st, ran)
	}
	state, _ := y.JSON()
	if !bytes.Contains(state, []byte(`"status":"cancelled"`)) {
		t.Fatalf("%s", state)
	}
	// Cancel and resume refuse any other transition.
	_, err = y.Cancel(ctx, wf2, h, d.Transition, ms(3001))
	if err == nil {
		t.Fatal("a cancelled execution was cancelled again")
	}
}

func TestExtendMovesTheExpiry(t *testing.T) {
	echo := func(_ context.Context, c NodeCall) (NodeResult, error) { return NodeResult{Output: c.Input}, nil }
	_, _, reg, r := suspended(t, approvalWorkflow, echo)
	exp, _, _ := reg.ExpiresAt()
	// Not later: a rejection with its sentinel, nothing changed.
	e, err := reg.Extend(r.ResumeID, []byte(`{"timeout_hours": 0.25}`), ms(3000))
	if err != nil || e.Extended || e.Answer.Status != 422 || !errors.Is(e.Answer.Err(), ErrExtendNotLater) {
		t.Fatalf("%+v %v", e, err)
	}
	for _, body := range []string{`{"timeout_hours": 9000}`, `{"timeout_hours": "x"}`, `{"timeout_hours": 0}`, `[]`} {
		e, _ = reg.Extend(r.ResumeID, []byte(body), ms(3000))
		if e.Extended || e.Answer.Status != 400 || !errors.Is(e.Answer.Err(), ErrInvalidExtend) {
			t.Fatalf("%s: %+v", body, e)
		}
	}
	if now, _, _ := reg.ExpiresAt(); !now.Equal(exp) {
		t.Fatalf("a refused extend moved the expiry to %v", now)
	}
	e, err = reg.Extend(r.ResumeID, []byte(`{"timeout_hours": 2}`), ms(3000))
	if err != nil || !e.Extended || e.ResumeID != r.ResumeID || !e.From.Equal(exp) || !e.To.Equal(ms(3000).Add(2*time.Hour)) {
		t.Fatalf("%+v %v", e, err)
	}
	if now, _, _ := reg.ExpiresAt(); !now.Equal(e.To) {
		t.Fatalf("expiry %v, want %v", now, e.To)
	}
	// Past the old expiry it is still active.
	if st, _ := reg.StatusAt(exp.Add(time.Minute)); st != Active {
		t.Fatalf("%v", st)
	}
	var none *Registration
	if e, err := none.Extend(r.ResumeID, nil, ms(3000)); err != nil || e.Answer.Status != 404 || !errors.Is(e.Answer.Err(), ErrNotFound) {
		t.Fatalf("%+v %v", e, err)
	}
}

// TestExtendReachesTheExecutionThenExpire: the extension the host applied
// is recorded in the execution (its row equals the stored one), and the
// sweeper's decided and applied expiry is taken once, at the new time.
func TestExtendReachesTheExecutionThenExpire(t *testing.T) {
	echo := func(_ context.Context, c NodeCall) (NodeResult, error) { return NodeResult{Output: c.Input}, nil }
	wf, x, reg, r := suspended(t, approvalWorkflow, echo)
	old, _, _ := reg.ExpiresAt()
	e, err := reg.Extend(r.ResumeID, []byte(`{"timeout_hours": 2}`), ms(3000))
	if err != nil || !e.Extended {
		t.Fatalf("%+v %v", e, err)
	}
	if err := x.Extend(e); err != nil {
		t.Fatal(err)
	}
	stored, _ := reg.JSON()
	if row, err := x.RegistrationJSON(wf, r.ResumeID); err != nil || !bytes.Equal(row, stored) {
		t.Fatalf("state's row %s, stored %s, %v", row, stored, err)
	}
	// Applied once: the same extension again, or one not extended, is refused.
	if err := x.Extend(e); !errors.Is(err, ErrNotApplied) {
		t.Fatalf("%v", err)
	}
	if err := x.Extend(Extension{ResumeID: r.ResumeID}); !errors.Is(err, ErrNotApplied) {
		t.Fatalf("%v", err)
	}
	// Through JSON, as the next process sees it.
	state, _ := x.JSON()
	y, err := ExecutionFromJSON(state)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if row, _ := y.RegistrationJSON(wf, r.ResumeID); !bytes.Equal(row, stored) {
		t.Fatalf("%s", row)
	}

	// The sweeper: nothing due at the old expiry, due at the new one.
	if _, ok, err := DecideExpire(r.ResumeID, reg, old); ok || err != nil {
		t.Fatalf("due at the old expiry: %v", err)
	}
	applied, ok, err := DecideExpire(r.ResumeID, reg, e.To)
	want := Transition{ResumeID: r.ResumeID, From: Active, To: Expired}
	if err != nil || !ok || applied != want {
		t.Fatalf("%+v %v %v", applied, ok, err)
	}
	if _, err := y.Expire(ctx, wf, echo, Transition{ResumeID: r.ResumeID, From: Active, To: Consumed}, e.To); !errors.Is(err, ErrNotApplied) {
		t.Fatalf("%v", err)
	}
	res, err := y.Expire(ctx, wf, echo, applied, e.To)
	if err != nil || res.Outcome != OutcomeCompleted {
		t.Fatalf("%+v %v", res, err)
	}
	for _, tr := range res.Transitions {
		if tr.ResumeID == r.ResumeID {
			t.Fatalf("expire repeated the applied transition: %+v", res.Transitions)
		}
	}
	if row, _ := y.RegistrationJSON(wf, r.ResumeID); !bytes.Contains(row, []byte(`"status":"expired"`)) {
		t.Fatalf("%s", row)
	}
	if _, ok, _ := DecideExpire(r.ResumeID, nil, e.To); ok {
		t.Fatal("no row, yet due")
	}
}

func TestPageFunctions(t *testing.T) {
	_, _, reg, r := suspended(t, cancelWorkflow, nil)
	hs := SecurityHeaders()
	csp := ""
	for _, h := range hs {
		if h.Name == "Content-Security-Policy" {
			csp = h.Value
		}
	}
	if len(hs) != 5 || csp == "" {
		t.Fatalf("%+v", hs)
	}
	for accept, want := range map[string]bool{"text/html": true, browserAccept: true, "*/*": false, "": false,
		"application/json": false, "text/html;q=0": false} {
		if AcceptsHTML(accept) != want {
			t.Fatalf("AcceptsHTML(%q) != %v", accept, want)
		}
	}
	cfg, err := reg.WebhookConfig()
	if err != nil || !bytes.Contains(cfg, []byte("Approve <it>?")) {
		t.Fatalf("%s %v", cfg, err)
	}
	page, err := RenderWaitPage(cfg, "https://gw.example.com/r?sig=a&b", "", nil)
	if err != nil || bytes.Contains(page, []byte("<it>")) || !bytes.Contains(page, []byte("Approve &lt;it&gt;?")) ||
		!bytes.Contains(page, []byte(`name="amount"`)) || !bytes.Contains(page, []byte("sig=a&amp;b")) {
		t.Fatalf("%s %v", page, err)
	}
	out, err := DecodeForm(cfg, []byte("amount=12.5"))
	if err != nil || string(out) != `{"amount":12.5}` {
		t.Fatalf("%s %v", out, err)
	}
	for _, body := range []string{"", "amount=x", "amount=1&other=2"} {
		_, err := DecodeForm(cfg, []byte(body))
		if !errors.Is(err, ErrFormInvalid) {
			t.Fatalf("%q: %v", body, err)
		}
	}
	again, err := RenderWaitPage(cfg, "https://gw.example.com/r", "", []byte("amount=%3Cb%3E"))
	if err != nil || bytes.Contains(again, []byte("<b>")) {
		t.Fatalf("%s %v", again, err)
	}
	for p, want := range map[ResultPage]int{PageDone: 200, PageRejected: 200, PageAlreadyUsed: 409, PageExpired: 410,
		PageNotYetActive: 400, PageBadSignature: 401, PageNotFound: 404} {
		html, status, err := RenderResultPage(p)
		if err != nil || status != want || !bytes.Contains(html, []byte("<html")) {
			t.Fatalf("page %d: %d %v", p, status, err)
		}
	}
	if _, _, err := RenderResultPage(resultPageInvalid); err == nil {
		t.Fatal("an unknown result page rendered")
	}
	desc, err := reg.Describe(ms(3000))
	if err != nil || !bytes.Contains(desc, []byte(`"status":"active"`)) || !bytes.Contains(desc, []byte(`"node":"wait_approval"`)) {
		t.Fatalf("%s %v", desc, err)
	}
	if desc, _ := reg.Describe(ms(2000).Add(2 * time.Hour)); !bytes.Contains(desc, []byte(`"status":"expired"`)) {
		t.Fatalf("%s", desc)
	}
	_ = r
}

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func TestPayloadCapacity(t *testing.T) {
	big := []byte(`{"b": "` + strings.Repeat("x", 70000) + `"}`)
	echo := func(_ context.Context, c NodeCall) (NodeResult, error) { return NodeResult{Output: c.Input}, nil }
	// The default capacity (64 KiB) refuses a 70 kB resume payload and
	// names the limit; nothing changes.
	wf, x, _, r := suspended(t, approvalWorkflow, echo)
	applied := Transition{ResumeID: r.ResumeID, From: Active, To: Consumed}
	_, err := x.Resume(ctx, wf, echo, applied, big, ms(3000))
	if !errors.Is(err, ErrCapacityExceeded) || !strings.Contains(err.Error(), "65536") {
		t.Fatalf("%v", err)
	}
	if st, _ := x.Status(); st != ExecutionSuspended {
		t.Fatalf("%v", st)
	}
	// 1 MiB of room: a 1 MiB payload goes through, also after a restore.
	wf, x, _, r = suspended(t, approvalWorkflow, echo, WithMaxPayload(ServerMaxPayload))
	state, err := x.JSON()
	if err != nil {
		t.Fatal(err)
	}
	y, err := ExecutionFromJSON(state, WithMaxPayload(ServerMaxPayload))
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	mib := []byte(`{"b": "` + strings.Repeat("y", ServerMaxPayload-9) + `"}`)
	applied = Transition{ResumeID: r.ResumeID, From: Active, To: Consumed}
	res, err := y.Resume(ctx, wf, echo, applied, mib, ms(3000))
	if err != nil || res.Outcome != OutcomeCompleted {
		t.Fatalf("%+v %v", res.Outcome, err)
	}
	if out, err := y.Output(); err != nil || len(mib) != ServerMaxPayload || !bytes.Equal(out, mib) {
		t.Fatalf("output %d bytes (%v), payload %d", len(out), err, len(mib))
	}
	if j, err := y.JSON(); err != nil || len(j) < ServerMaxPayload {
		t.Fatalf("state %d bytes %v", len(j), err)
	}
	// Above the largest capacity: refused at start.
	base, _ := NewBaseURL("https://gw.example.com")
	defer base.Close()
	g, _ := NewIDGenerator(make([]byte, IDSeedLen))
	defer g.Close()
	if _, err := StartExecution(wf, "exec-2", base, g, ms(0), WithMaxPayload(MaxPayloadCapacity+1)); !errors.Is(err, ErrCapacityExceeded) {
		t.Fatalf("%v", err)
	}
}
