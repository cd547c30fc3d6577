package prana

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

var ctx = context.Background()

// ms is a time at unix milliseconds n.
func ms(n int64) time.Time { return time.UnixMilli(n) }

const approvalWorkflow = `{"id": "approval", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "notify", "type": "log", "params": {"text": "{{ $execution.wait_approval.resume_url }}"}},
  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
  {"key": "done", "type": "log"}],
 "connections": [{"from": "trigger", "to": "notify"}, {"from": "notify", "to": "wait_approval"},
                 {"from": "wait_approval", "port": "main", "to": "done"}]}`

func TestSignedResumeURLs(t *testing.T) {
	keys, err := NewKeySet()
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()
	if err := keys.Add("k1", []byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, keys.Add("K1", []byte("0123456789abcdef")), StatusKeyIDInvalid)
	base, _ := NewBaseURL("https://gw.example.com")
	defer base.Close()
	rid := "webhook_exec-1_wait_0123456789abcdefghjkmnpqrs"
	url, err := keys.SignedResumeURL(base, rid)
	if err != nil || !strings.Contains(url, "?sig=k1.") {
		t.Fatalf("%q %v", url, err)
	}
	route, err := base.ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	c, err := keys.Verify(SignatureRequired, route.ID, route.Query)
	if err != nil || !c.Accepted || c.VerifiedBy != VerifiedKey || c.KeyID != "k1" {
		t.Fatalf("%+v %v", c, err)
	}
	c, _ = keys.Verify(SignatureRequired, route.ID, "sig=k1.AAAAAAAAAAAAAAAAAAAAAA")
	if c.Accepted || c.Answer.Status != 401 || c.Answer.Cause.Code() != "signature_mismatch" {
		t.Fatalf("%+v", c)
	}
	c, _ = keys.Verify(SignatureOptional, route.ID, "")
	if !c.Accepted || c.VerifiedBy != VerifiedUnsigned {
		t.Fatalf("%+v", c)
	}
}

func TestSignedExecution(t *testing.T) {
	wf, err := NewWorkflow([]byte(approvalWorkflow))
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	keys, _ := NewKeySet()
	defer keys.Close()
	if err := keys.Add("k1", []byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	empty, _ := NewKeySet()
	defer empty.Close()
	g, _ := NewIDGenerator(seed(t, 4))
	defer g.Close()
	base, _ := NewBaseURL("https://gw.example.com")
	defer base.Close()

	_, err = StartSignedExecution(wf, "exec-s", base, empty, g, ms(1000))
	wantStatus(t, err, StatusNoSigningKey)

	x, err := StartSignedExecution(wf, "exec-s", base, keys, g, ms(1000))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	regs, _ := x.Registrations()
	rid, _ := regs[0].ResumeID()
	url, err := x.ResumeURL("wait_approval")
	want, _ := keys.SignedResumeURL(base, rid)
	if err != nil || url != want || !strings.Contains(url, "?sig=k1.") {
		t.Fatalf("%q, want %q (%v)", url, want, err)
	}
	verify := func(u string) {
		t.Helper()
		route, err := base.ParseTarget(u)
		if err != nil {
			t.Fatal(err)
		}
		c, err := keys.Verify(SignatureRequired, route.ID, route.Query)
		if err != nil || !c.Accepted || c.KeyID != "k1" {
			t.Fatalf("%q: %+v %v", u, c, err)
		}
	}
	verify(url)

	var params string
	handler := func(_ context.Context, c NodeCall) (NodeResult, error) {
		params = string(c.Params)
		return NodeResult{Output: []byte(`{}`)}, nil
	}
	r, err := x.Run(ctx, wf, handler, []byte(`{}`), ms(2000))
	if err != nil || r.Outcome != OutcomeSuspended || r.ResumeURL != url {
		t.Fatalf("%+v %v", r, err)
	}
	verify(r.ResumeURL)
	if params != `{"text": "`+url+`"}` {
		t.Fatalf("rendered params %q", params)
	}

	// The signature survives the state JSON.
	state, err := x.JSON()
	if err != nil || !bytes.Contains(state, []byte(`"sig":"k1.`)) {
		t.Fatalf("%s %v", state, err)
	}
	y, err := ExecutionFromJSON(state)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if u, _ := y.ResumeURL("wait_approval"); u != url {
		t.Fatalf("restored %q, want %q", u, url)
	}
	// In place, into the handle of another execution.
	if err := x.LoadJSON([]byte(`{}`)); err == nil {
		t.Fatal("loaded {}")
	}
	if _, err := x.Run(ctx, wf, handler, []byte(`{}`), ms(2000)); err == nil {
		t.Fatal("a failed LoadJSON left a runnable execution")
	}
	if err := x.LoadJSON(state); err != nil {
		t.Fatal(err)
	}
	if again, _ := x.JSON(); !bytes.Equal(again, state) {
		t.Fatalf("loaded in place: %s, want %s", again, state)
	}

	// nil keys: unsigned.
	z, err := StartSignedExecution(wf, "exec-u", base, nil, g, ms(1000))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if u, _ := z.ResumeURL("wait_approval"); strings.Contains(u, "?") {
		t.Fatalf("unsigned start made %q", u)
	}
}

func TestStandardWebhooks(t *testing.T) {
	s, err := NewWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	body := []byte(`{"test": 2432232314}`)
	sig, err := s.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), body)
	if err != nil || sig != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Fatalf("%q %v", sig, err)
	}
	now := time.Unix(1614265330, 0).Add(5 * time.Second)
	ts, err := s.Verify("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body, sig, now, StandardWebhooksTolerance)
	if err != nil || !ts.Equal(time.Unix(1614265330, 0)) {
		t.Fatalf("%v %v", ts, err)
	}
	_, err = s.Verify("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", []byte("{}"), sig, now, StandardWebhooksTolerance)
	var e *Error
	if !errors.As(err, &e) || e.Code != "webhook_signature_mismatch" {
		t.Fatalf("%v", err)
	}
	_, err = NewWebhookSecret("nope")
	if !errors.As(err, &e) || e.Code != "webhook_secret_prefix" {
		t.Fatalf("%v", err)
	}
}

func TestExecutionLifecycle(t *testing.T) {
	wf, err := NewWorkflow([]byte(approvalWorkflow))
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	if wf.ID() != "approval" {
		t.Fatal(wf.ID())
	}
	_, err = NewWorkflow([]byte(`{"id": "x", "nodes": []}`))
	wantStatus(t, err, StatusWorkflowNoNodes)
	var e *Error

	g, _ := NewIDGenerator(seed(t, 3))
	defer g.Close()
	base, _ := NewBaseURL("https://gw.example.com")
	defer base.Close()
	x, err := StartExecution(wf, "exec-1", base, g, ms(1000))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	regs, err := x.Registrations()
	if err != nil || len(regs) != 1 {
		t.Fatalf("%v %v", regs, err)
	}
	if st, err := regs[0].Status(); err != nil || st != Pending {
		t.Fatalf("%v %v", regs, err)
	}
	if id, err := x.ID(); err != nil || id != "exec-1" {
		t.Fatalf("%q %v", id, err)
	}
	if id, err := x.WorkflowID(); err != nil || id != "approval" {
		t.Fatalf("%q %v", id, err)
	}
	url, err := x.ResumeURL("wait_approval")
	if rid, _ := regs[0].ResumeID(); err != nil || url != "https://gw.example.com/webhook/workflow/resume/"+rid {
		t.Fatalf("%q %v", url, err)
	}
	// Only a webhook wait node has a resume URL; no text can reach the template.
	for _, node := range []string{"notify", "nope", "", "wait_approval.resume_url }}{{ $execution.id", strings.Repeat("w", 65)} {
		_, err := x.ResumeURL(node)
		wantStatus(t, err, StatusExpressionUnknownNode)
	}
	if rendered, err := x.Render("go to {{ $execution.wait_approval.resume_url }}"); err != nil || rendered != "go to "+url {
		t.Fatalf("%q %v", rendered, err)
	}

	var calls []NodeCall
	handler := func(_ context.Context, c NodeCall) (NodeResult, error) {
		calls = append(calls, c)
		return NodeResult{Output: []byte(`{"ok":true}`)}, nil
	}
	r, err := x.Run(ctx, wf, handler, []byte(`{"amount": 10}`), ms(2000))
	if err != nil || r.Outcome != OutcomeSuspended || r.NodeID != "wait_approval" || r.WaitMode != WaitWebhook {
		t.Fatalf("%+v %v", r, err)
	}
	if len(calls) != 1 || calls[0].NodeID != "notify" || !strings.Contains(string(calls[0].Params), url) || string(calls[0].Input) != `{"amount": 10}` {
		t.Fatalf("%+v", calls)
	}
	if r.ResumeURL != url || len(r.Transitions) != 1 || r.Transitions[0].To != Active {
		t.Fatalf("%+v", r)
	}
	reg, err := RegistrationFromJSON(r.RegistrationJSON)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := reg.Status(); err != nil || st != Active {
		t.Fatalf("%v %v", st, err)
	}
	if exp, ok, err := reg.ExpiresAt(); err != nil || !ok || !exp.Equal(ms(2000).Add(time.Hour)) || r.Timeout != time.Hour || !r.ResumeAt.Equal(exp) {
		t.Fatalf("expires %v %v %v, result %+v", exp, ok, err, r)
	}
	reg.Close()

	// Persist, restore, resume.
	state, err := x.JSON()
	if err != nil || !bytes.Contains(state, []byte(`"status":"suspended"`)) {
		t.Fatalf("%s %v", state, err)
	}
	y, err := ExecutionFromJSON(state)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if w, err := y.WaitingResumeID(); err != nil || w != r.ResumeID {
		t.Fatalf("restored waiting %q %v", w, err)
	}
	if st, err := y.Status(); err != nil || st != ExecutionSuspended {
		t.Fatalf("restored status %v %v", st, err)
	}
	r2, err := y.Resume(ctx, wf, handler, r.ResumeID, []byte(`{"approved": true}`), ms(3000))
	if err != nil || r2.Outcome != OutcomeCompleted || r2.Transitions[0].To != Consumed {
		t.Fatalf("%+v %v", r2, err)
	}
	if out, err := y.Output(); err != nil || calls[1].NodeID != "done" || string(calls[1].Input) != `{"approved": true}` || string(out) != `{"ok":true}` {
		t.Fatalf("%+v %q %v", calls, out, err)
	}
	_, err = y.Resume(ctx, wf, handler, r.ResumeID, []byte(`{}`), ms(3001))
	wantStatus(t, err, StatusExecutionNotSuspended)
	if !errors.As(err, &e) || e.Code != "execution_not_suspended" || e.Message != "Can only resume suspended executions" {
		t.Fatalf("%v", err)
	}

	// A failing Go handler fails the node with its code; a panic is caught.
	for _, h := range []NodeHandler{
		func(context.Context, NodeCall) (NodeResult, error) {
			return NodeResult{}, &NodeError{Code: "boom", Message: "exploded"}
		},
		func(context.Context, NodeCall) (NodeResult, error) { panic("handler bug") },
		func(context.Context, NodeCall) (NodeResult, error) { return NodeResult{Output: []byte("{bad")}, nil },
	} {
		z, _ := StartExecution(wf, "exec-f", base, g, ms(0))
		r, err := z.Run(ctx, wf, h, []byte(`{}`), ms(1))
		if err != nil || r.Outcome != OutcomeFailed || r.NodeID != "notify" || r.ErrorCode == "" {
			t.Fatalf("%+v %v", r, err)
		}
		if len(r.Transitions) != 1 || r.Transitions[0].To != Expired {
			t.Fatalf("cleanup: %+v", r.Transitions)
		}
		z.Close()
	}
}

func TestNodeHandlerContext(t *testing.T) {
	wf, err := NewWorkflow([]byte(approvalWorkflow))
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	g, _ := NewIDGenerator(seed(t, 5))
	defer g.Close()
	base, _ := NewBaseURL("https://gw.example.com")
	defer base.Close()
	type key struct{}
	// The handler sees the caller's context and its values.
	x, _ := StartExecution(wf, "exec-c", base, g, ms(0))
	defer x.Close()
	var seen interface{}
	r, err := x.Run(context.WithValue(ctx, key{}, "v"), wf, func(c context.Context, _ NodeCall) (NodeResult, error) {
		seen = c.Value(key{})
		return NodeResult{Output: []byte(`{}`)}, nil
	}, []byte(`{}`), ms(1))
	if err != nil || r.Outcome != OutcomeSuspended || seen != "v" {
		t.Fatalf("%+v %v %v", r, err, seen)
	}
	// A cancelled context fails the node with code "cancelled" before the
	// handler runs.
	y, _ := StartExecution(wf, "exec-d", base, g, ms(0))
	defer y.Close()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	r, err = y.Run(cancelled, wf, func(context.Context, NodeCall) (NodeResult, error) {
		ran = true
		return NodeResult{}, nil
	}, []byte(`{}`), ms(1))
	if err != nil || r.Outcome != OutcomeFailed || r.ErrorCode != "cancelled" || ran {
		t.Fatalf("%+v %v ran=%v", r, err, ran)
	}
	// A handler returning the context's error fails it the same way.
	z, _ := StartExecution(wf, "exec-e", base, g, ms(0))
	defer z.Close()
	r, _ = z.Run(ctx, wf, func(context.Context, NodeCall) (NodeResult, error) {
		return NodeResult{}, context.DeadlineExceeded
	}, []byte(`{}`), ms(1))
	if r.Outcome != OutcomeFailed || r.ErrorCode != "cancelled" {
		t.Fatalf("%+v", r)
	}
}
