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

// apply stores each transition's row as the execution now holds it.
func (s rows) apply(x *prana.Execution, ts []prana.Transition) {
	regs, _ := x.Registrations()
	for _, t := range ts {
		for _, r := range regs {
			if id, _ := r.ResumeID(); id == t.ResumeID {
				j, _ := r.JSON()
				fmt.Printf("store: %s -> %s: %v\n", t.From, t.To, s.compareAndSet(t, j))
			}
		}
	}
	for _, r := range regs {
		r.Close()
	}
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
	log := func(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
		return prana.NodeResult{Output: c.Input}, nil
	}

	// 1. start, 2. store rows.
	x, err := prana.StartSignedExecution(wf, "exec-1", base, keys, ids, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	store := rows{}
	regs, _ := x.Registrations()
	for _, r := range regs {
		id, _ := r.ResumeID()
		j, _ := r.JSON()
		st, _ := r.Status()
		store[id] = struct {
			status prana.LifecycleStatus
			json   []byte
		}{st, j}
		r.Close()
	}
	// 3. run; store what changed and the state.
	res, _ := x.Run(ctx, wf, log, []byte(`{"amount": 12}`), now)
	fmt.Println("run:", res.Outcome == prana.OutcomeSuspended, res.NodeID, res.Timeout)
	store.apply(x, res.Transitions)
	state, _ := x.JSON()
	x.Close()

	// 4. request: POST to the resume URL an hour later.
	now = now.Add(time.Hour)
	pre, _ := base.Precheck("POST", res.ResumeURL, 17, prana.DefaultMaxPayload)
	check, _ := keys.Verify(prana.SignatureRequired, pre.Route.ID, pre.Route.Query)
	fmt.Println("precheck and signature:", pre.Accepted, check.Accepted)

	// 5. lookup and decide.
	reg, _ := prana.RegistrationFromJSON(store[pre.Route.ID].json)
	defer reg.Close()
	d, _ := prana.DecideResume(pre.Route.ID, reg, now)
	// 6. compare-and-set active → consumed.
	_, _ = reg.Consume(now)
	consumed, _ := reg.JSON()
	fmt.Println("decide:", d.Resume, "compare-and-set:", store.compareAndSet(d.Transition, consumed))
	// 7. load state, 8. resume, 9. store rows (the decision's transition
	// was applied in step 6).
	y, _ := prana.ExecutionFromJSON(state)
	defer y.Close()
	res, _ = y.Resume(ctx, wf, log, pre.Route.ID, []byte(`{"approved": true}`), now)
	store.apply(y, res.TransitionsAfter(d.Transition))
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
