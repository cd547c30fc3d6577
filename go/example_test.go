package prana_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	prana "example.invalid/prana-webhook/go"
)

// rows is the host's registration store in these examples: resume ID →
// (status, row JSON).
type rows map[string]struct {
	status prana.LifecycleStatus
	json   []byte
}

// compareAndSet writes row where the stored status is t.From.
func (s rows) compareAndSet(t prana.Transition, row []byte) bool {
	cur, ok := s[t.ResumeID]
	if !ok || cur.status != t.From {
		return false
	}
	s[t.ResumeID] = struct {
		status prana.LifecycleStatus
		json   []byte
	}{t.To, row}
	return true
}

// apply applies every transition a call returned, in order, each with the
// row the execution gives for it: no transition is skipped or patched.
func (s rows) apply(wf *prana.Workflow, x *prana.Execution, ts []prana.Transition) {
	for _, t := range ts {
		j, _ := x.RegistrationJSON(wf, t.ResumeID)
		fmt.Printf("store: %s -> %s: %v\n", t.From, t.To, s.compareAndSet(t, j))
	}
}

// put stores the row of the transition applied before Resume or Cancel
// (its status is already t.To).
func (s rows) put(wf *prana.Workflow, x *prana.Execution, t prana.Transition) {
	j, _ := x.RegistrationJSON(wf, t.ResumeID)
	s[t.ResumeID] = struct {
		status prana.LifecycleStatus
		json   []byte
	}{t.To, j}
}

// putPending stores one pending row per registration of a new execution.
func (s rows) putPending(wf *prana.Workflow, x *prana.Execution) {
	regs, _ := x.Registrations()
	for _, r := range regs {
		id, _ := r.ResumeID()
		r.Close()
		s.put(wf, x, prana.Transition{ResumeID: id, To: prana.Pending})
	}
}

// echo is the examples' node handler: every host node passes its input on.
func echo(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
	return prana.NodeResult{Output: c.Input}, nil
}

const approvalFlow = `{"id": "approval", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 24}},
  {"key": "done", "type": "log"}],
 "connections": [{"from": "trigger", "to": "wait_approval"}, {"from": "wait_approval", "to": "done"}]}`

// The whole host protocol by hand: start → store rows → run → request →
// decide → compare-and-set → load state → resume → store rows. Package
// webhookhttp does the same over HTTP and a Store.
func ExampleExecution_Resume() {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	wf, _ := prana.NewWorkflow([]byte(approvalFlow))
	defer wf.Close()
	base, _ := prana.NewBaseURL("https://hooks.example.com")
	defer base.Close()
	keys, _ := prana.NewKeySet()
	defer keys.Close()
	_ = keys.Add("k1", []byte("a secret of at least 16 bytes"))
	ids, _ := prana.NewIDGenerator(make([]byte, prana.IDSeedLen)) // use crypto/rand
	defer ids.Close()

	// 1. start (a server gives every execution 1 MiB of payload room),
	// 2. store one row per registration.
	x, err := prana.StartSignedExecution(wf, "exec-1", base, keys, ids, now,
		prana.WithMaxPayload(prana.ServerMaxPayload))
	if err != nil {
		fmt.Println(err)
		return
	}
	store := rows{}
	store.putPending(wf, x)
	// 3. run; store what changed and the state.
	res, _ := x.Run(ctx, wf, echo, []byte(`{"amount": 12}`), now)
	fmt.Println("run:", res.Outcome == prana.OutcomeSuspended, res.NodeID, res.Timeout)
	store.apply(wf, x, res.Transitions)
	state, _ := x.JSON()
	x.Close()

	// 4. request: POST to the resume URL an hour later.
	now = now.Add(time.Hour)
	pre, _ := base.Precheck("POST", res.ResumeURL, 17, prana.DefaultMaxPayload)
	check, _ := keys.Verify(pre.Route.Kind, prana.SignatureRequired, pre.Route.ID, pre.Route.Query)
	fmt.Println("precheck and signature:", pre.Accepted, check.Accepted)

	// 5. lookup and decide.
	reg, _ := prana.RegistrationFromJSON(store[pre.Route.ID].json)
	defer reg.Close()
	d, _ := prana.DecideResume(pre.Route.ID, reg, now)
	// 6. compare-and-set active → consumed.
	_, _ = reg.Consume(now)
	consumed, _ := reg.JSON()
	fmt.Println("decide:", d.Resume, "compare-and-set:", store.compareAndSet(d.Transition, consumed))
	// 7. load state, 8. resume with the applied transition, 9. store its
	// row and every transition the resume returned, in order.
	y, _ := prana.ExecutionFromJSON(state, prana.WithMaxPayload(prana.ServerMaxPayload))
	defer y.Close()
	res, _ = y.Resume(ctx, wf, echo, d.Transition, []byte(`{"approved": true}`), now)
	store.put(wf, y, d.Transition)
	store.apply(wf, y, res.Transitions)
	out, _ := y.Output()
	st, _ := y.Status()
	fmt.Println("resume:", st, string(out))

	// A second request loses: the row is consumed.
	d, _ = prana.DecideResume(pre.Route.ID, reg, now)
	fmt.Println("again:", d.Answer.Status, d.Answer.Code)
	// Output:
	// run: true wait_approval 24h0m0s
	// store: pending -> active: true
	// precheck and signature: true true
	// decide: true compare-and-set: true
	// resume: completed {"approved": true}
	// again: 409 webhook_already_used
}

// Sentinel errors let callers branch with errors.Is.
func ExampleError() {
	reg, _ := prana.NewRegistration("webhook_e1_wait_0123456789abcdefghjkmnpqrs", "e1", "wait", time.Unix(0, 0))
	defer reg.Close()
	_, err := reg.Consume(time.Unix(1, 0))
	fmt.Println(err)
	fmt.Println(errors.Is(err, prana.ErrNotActive), errors.Is(err, prana.StatusInvalidTransition.Err()))
	// Output:
	// prana: invalid_transition: Invalid state transition from pending to consumed
	// true true
}

// A cancel follows the same protocol as a resume: CancelDecide gives the
// active → consumed the host applies, Cancel continues through the wait
// node's cancel port (or ends the execution cancelled when none is wired).
func ExampleExecution_Cancel() {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	wf, _ := prana.NewWorkflow([]byte(approvalFlow)) // no cancel port
	defer wf.Close()
	base, _ := prana.NewBaseURL("https://hooks.example.com")
	defer base.Close()
	ids, _ := prana.NewIDGenerator(make([]byte, prana.IDSeedLen))
	defer ids.Close()
	x, _ := prana.StartExecution(wf, "exec-2", base, ids, now)
	defer x.Close()
	store := rows{}
	store.putPending(wf, x)
	res, _ := x.Run(ctx, wf, echo, []byte(`{}`), now)
	store.apply(wf, x, res.Transitions)
	rid := res.ResumeID
	cancelURL, _ := base.CancelURL(rid)
	fmt.Println(cancelURL[:len("https://hooks.example.com/webhook/workflow/cancel/webhook_exec-2_")])

	// POST to the cancel URL: lookup, decide, compare-and-set, cancel,
	// store the applied row and every returned transition.
	reg, _ := prana.RegistrationFromJSON(store[rid].json)
	defer reg.Close()
	d, _ := prana.CancelDecide(rid, reg, now)
	_, _ = reg.Consume(now)
	consumed, _ := reg.JSON()
	fmt.Println("compare-and-set:", store.compareAndSet(d.Transition, consumed))
	res, _ = x.Cancel(ctx, wf, echo, d.Transition, now)
	store.put(wf, x, d.Transition)
	store.apply(wf, x, res.Transitions)
	st, _ := x.Status()
	fmt.Println(res.Outcome == prana.OutcomeCancelled, st)
	// A resume after the cancel loses.
	d, _ = prana.DecideResume(rid, reg, now)
	fmt.Println(d.Answer.Status, d.Answer.Code)
	// Output:
	// store: pending -> active: true
	// https://hooks.example.com/webhook/workflow/cancel/webhook_exec-2_
	// compare-and-set: true
	// true cancelled
	// 409 webhook_already_used
}

// An extend (heartbeat) moves an active wait's expiry; the host stores it
// with a compare-and-set on the old expiry (and, with an execution, records
// it there: see ExampleExecution_Expire).
func ExampleRegistration_Extend() {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	reg, _ := prana.NewRegistration("webhook_e1_wait_0123456789abcdefghjkmnpqrs", "e1", "wait", now)
	defer reg.Close()
	_, _ = reg.Activate(now, time.Hour, nil)

	e, _ := reg.Extend("webhook_e1_wait_0123456789abcdefghjkmnpqrs", []byte(`{"timeout_hours": 0.5}`), now)
	fmt.Println(e.Extended, e.Answer.Status, e.Answer.Code, errors.Is(e.Answer.Err(), prana.ErrExtendNotLater))
	e, _ = reg.Extend("webhook_e1_wait_0123456789abcdefghjkmnpqrs", []byte(`{"timeout_hours": 48}`), now.Add(30*time.Minute))
	fmt.Println(e.Extended, e.From.Format(time.RFC3339), "->", e.To.Format(time.RFC3339))
	// UPDATE registrations SET expires_at = e.To, row_json = reg.JSON()
	//  WHERE resume_id = e.ResumeID AND status = 'active' AND expires_at = e.From
	// Output:
	// false 422 extend_not_later true
	// true 2026-12-01T10:00:00Z -> 2026-12-03T09:30:00Z
}

// Extend, then the sweeper's expiry at the new time, by the protocol: the
// execution records the extension the store applied, and takes the expiry
// the sweeper decided and applied; neither comes back as a transition.
func ExampleExecution_Expire() {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	wf, _ := prana.NewWorkflow([]byte(approvalFlow))
	defer wf.Close()
	base, _ := prana.NewBaseURL("https://hooks.example.com")
	defer base.Close()
	ids, _ := prana.NewIDGenerator(make([]byte, prana.IDSeedLen))
	defer ids.Close()
	x, _ := prana.StartExecution(wf, "exec-3", base, ids, now)
	defer x.Close()
	store := rows{}
	store.putPending(wf, x)
	res, _ := x.Run(ctx, wf, echo, []byte(`{}`), now)
	store.apply(wf, x, res.Transitions)
	rid := res.ResumeID

	// Extend: decide on the stored row, compare-and-set on the old expiry,
	// record it in the execution, store the row and the state together.
	reg, _ := prana.RegistrationFromJSON(store[rid].json)
	defer reg.Close()
	e, _ := reg.Extend(rid, []byte(`{"timeout_hours": 48}`), now.Add(time.Hour))
	fmt.Println("extend:", e.Extended, x.Extend(e))
	store.put(wf, x, prana.Transition{ResumeID: rid, To: prana.Active})
	row, _ := reg.JSON()
	fmt.Println("state agrees with the row:", string(store[rid].json) == string(row))

	// The sweeper: nothing at the old expiry, active -> expired at the new.
	_, due, _ := prana.DecideExpire(rid, reg, now.Add(24*time.Hour))
	fmt.Println("due at the old expiry:", due)
	t, due, _ := prana.DecideExpire(rid, reg, e.To)
	_, _ = reg.Expire()
	expired, _ := reg.JSON()
	fmt.Println("due at the new one:", due, "compare-and-set:", store.compareAndSet(t, expired))
	res, _ = x.Expire(ctx, wf, echo, t, e.To)
	store.put(wf, x, t)
	store.apply(wf, x, res.Transitions)
	st, _ := x.Status()
	fmt.Println("expire:", st, len(res.Transitions))
	// Output:
	// store: pending -> active: true
	// extend: true <nil>
	// state agrees with the row: true
	// due at the old expiry: false
	// due at the new one: true compare-and-set: true
	// expire: completed 0
}
