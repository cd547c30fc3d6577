package prana

/*
#include <stdint.h>
#include <stdlib.h>
#include "prana_webhook.h"

extern _Bool pranaGoNodeHandler(void *, struct prana_node_call *, char *, size_t,
                                struct prana_node_result *);
static prana_node_handler prana_go_handler(void) {
	return (prana_node_handler)pranaGoNodeHandler;
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/cgo"
	"time"
	"unsafe"
)

// RunStatus is where an execution stands.
type RunStatus uint32

// Execution statuses.
const (
	ExecutionCreated   RunStatus = C.PRANA_EXECUTION_CREATED
	ExecutionSuspended RunStatus = C.PRANA_EXECUTION_SUSPENDED
	ExecutionCompleted RunStatus = C.PRANA_EXECUTION_COMPLETED
	ExecutionFailed    RunStatus = C.PRANA_EXECUTION_FAILED
	ExecutionCancelled RunStatus = C.PRANA_EXECUTION_CANCELLED
)

func (s RunStatus) String() string { return C.GoString(C.prana_run_status_name(C.uint32_t(s))) }

// WaitMode is the mode of a wait.
type WaitMode uint32

// Wait modes.
const (
	WaitNone     WaitMode = C.PRANA_WAIT_NONE
	WaitInterval WaitMode = C.PRANA_WAIT_INTERVAL
	WaitSchedule WaitMode = C.PRANA_WAIT_SCHEDULE
	WaitWebhook  WaitMode = C.PRANA_WAIT_WEBHOOK
)

// Outcome is how an execution call ended.
type Outcome uint32

// Outcomes.
const (
	OutcomeCompleted Outcome = C.PRANA_OUTCOME_COMPLETED
	OutcomeSuspended Outcome = C.PRANA_OUTCOME_SUSPENDED
	OutcomeFailed    Outcome = C.PRANA_OUTCOME_FAILED
	OutcomeCancelled Outcome = C.PRANA_OUTCOME_CANCELLED
)

// RunResult is the result of Run, Resume, Cancel, Expire and ResumeTimer.
type RunResult struct {
	Outcome          Outcome
	NodeID           string // wait node (suspended) or failing node
	WaitMode         WaitMode
	ResumeAt         time.Time     // timer resume_at or webhook expiry; zero when not suspended
	Timeout          time.Duration // webhook wait timeout
	ResumeID         string
	ResumeURL        string
	RegistrationJSON json.RawMessage // webhook wait: the activated row, the same as Execution.RegistrationJSON(ResumeID)
	Timezone         string
	ErrorCode        string
	ErrorMessage     string
	// Transitions are the registration changes the call made, each once:
	// apply every one with compare-and-set, in order, storing the row
	// Execution.RegistrationJSON gives for its resume ID. They never
	// repeat the transition passed to Resume or Cancel.
	Transitions []Transition
}

// Workflow is a parsed workflow definition. Safe for concurrent use.
type Workflow struct {
	p  *C.prana_workflow
	id string
}

// NewWorkflow parses and validates a workflow definition (JSON).
func NewWorkflow(definition []byte) (*Workflow, error) {
	j := newCbytes(definition)
	var p *C.prana_workflow
	if err := call(func(perr *C.prana_error) C.prana_status { return C.prana_workflow_new(j.ptr(), j.len(), &p, perr) }); err != nil {
		return nil, err
	}
	id, err := outString(C.PRANA_ID_PART_BUF_SIZE, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_workflow_id(p, b, l, o, perr)
	})
	if err != nil {
		C.prana_workflow_free(p)
		return nil, err
	}
	w := &Workflow{p: p, id: id}
	runtime.SetFinalizer(w, (*Workflow).Close)
	return w, nil
}

// Close frees the workflow; calling it twice is harmless.
func (w *Workflow) Close() error {
	if w.p != nil {
		C.prana_workflow_free(w.p)
		w.p = nil
	}
	return nil
}

// ID is the workflow id.
func (w *Workflow) ID() string { return w.id }

// Execution is the state of one execution. Not safe for concurrent use.
type Execution struct {
	p          *C.prana_execution
	maxPayload int
}

func wrapExecution(p *C.prana_execution, maxPayload int) *Execution {
	x := &Execution{p: p, maxPayload: maxPayload}
	runtime.SetFinalizer(x, (*Execution).Close)
	return x
}

// ServerMaxPayload is the payload capacity a server should give its
// executions (WithMaxPayload): 1 MiB of trigger payload, node output or
// resume payload.
const ServerMaxPayload = 1 << 20

// MaxPayloadCapacity is the largest payload capacity an execution can have.
const MaxPayloadCapacity = C.PRANA_MAX_PAYLOAD_CAPACITY

// Option tunes StartExecution, StartSignedExecution and ExecutionFromJSON.
type Option func(*options)

type options struct {
	maxPayload int
}

// WithMaxPayload sets the execution's payload capacity in bytes: the
// largest trigger payload, node output and resume payload it takes. The
// storage is allocated once, at start or restore. 0 (and no option) is
// DefaultMaxPayload; above MaxPayloadCapacity fails with
// StatusCapacityExceeded. Restore an execution with at least the capacity
// it was started with; servers use ServerMaxPayload.
func WithMaxPayload(n int) Option {
	return func(o *options) { o.maxPayload = n }
}

func applyOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if o.maxPayload < 0 {
		o.maxPayload = 0
	}
	return o
}

func (o options) capacity() int {
	if o.maxPayload == 0 {
		return DefaultMaxPayload
	}
	return o.maxPayload
}

// StartExecution creates the execution's registrations; nothing runs yet.
// Its resume URLs are unsigned: see StartSignedExecution.
func StartExecution(wf *Workflow, executionID string, base *BaseURL, ids *IDGenerator, now time.Time, opts ...Option) (*Execution, error) {
	return StartSignedExecution(wf, executionID, base, nil, ids, now, opts...)
}

// StartSignedExecution is StartExecution with signed resume URLs: every
// resume URL of the execution (ResumeURL, rendered
// {{ $execution.<node>.resume_url }}, RunResult.ResumeURL) carries
// ?sig={key_id}.{mac} made with the current key of keys, and the state JSON
// keeps the signature. A nil keys starts unsigned; an empty set fails with
// StatusNoSigningKey. keys is only read during the call. Cancel and extend
// URLs are signed in their own domains (KeySet.Sign with RouteCancel,
// RouteExtend).
//
// The host then stores one row per registration (Registrations,
// RegistrationJSON) and the execution's JSON before Run.
func StartSignedExecution(wf *Workflow, executionID string, base *BaseURL, keys *KeySet, ids *IDGenerator, now time.Time, opts ...Option) (*Execution, error) {
	o := applyOptions(opts)
	defer runtime.KeepAlive(wf)
	defer runtime.KeepAlive(base)
	defer runtime.KeepAlive(keys)
	defer runtime.KeepAlive(ids)
	if wf.p == nil || base.p == nil || ids.p == nil || (keys != nil && keys.p == nil) {
		return nil, closedErr("StartSignedExecution")
	}
	e := newCstr(executionID)
	var p *C.prana_execution
	var k *C.prana_key_set
	if keys != nil {
		k = keys.p
	}
	if err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_execution_start(wf.p, e.ptr(), e.len(), base.p, k, ids.p, millis(now), C.size_t(o.maxPayload), &p, perr)
	}); err != nil {
		return nil, err
	}
	return wrapExecution(p, o.capacity()), nil
}

// ExecutionFromJSON restores an execution from its JSON form. Give at
// least the WithMaxPayload the execution was started with.
func ExecutionFromJSON(data []byte, opts ...Option) (*Execution, error) {
	o := applyOptions(opts)
	j := newCbytes(data)
	var p *C.prana_execution
	if err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_execution_from_json(j.ptr(), j.len(), C.size_t(o.maxPayload), &p, perr)
	}); err != nil {
		return nil, err
	}
	return wrapExecution(p, o.capacity()), nil
}

// LoadJSON restores another execution's JSON into x in place (checked as
// ExecutionFromJSON checks it), with no new handle: the cheap way for a
// worker that reuses one Execution. On error x holds an empty execution
// that every Run/Resume/Expire/ResumeTimer refuses until a later LoadJSON
// succeeds.
func (x *Execution) LoadJSON(data []byte) error {
	defer runtime.KeepAlive(x)
	if x.p == nil {
		return closedErr("Execution.LoadJSON")
	}
	j := newCbytes(data)
	return call(func(perr *C.prana_error) C.prana_status {
		return C.prana_execution_restore(x.p, j.ptr(), j.len(), perr)
	})
}

// Close frees the execution; calling it twice is harmless.
func (x *Execution) Close() error {
	if x.p != nil {
		C.prana_execution_free(x.p)
		x.p = nil
	}
	return nil
}

// JSON is the execution's JSON form, for the host's store.
func (x *Execution) JSON() ([]byte, error) {
	return x.bytes("Execution.JSON", C.PRANA_EXECUTION_JSON_FIXED_LEN+x.maxPayload+1, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_execution_to_json(x.p, b, l, o, perr)
	})
}

func (x *Execution) drive(ctx context.Context, wf *Workflow, h NodeHandler, f func(handler C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result, perr *C.prana_error) C.prana_status) (RunResult, error) {
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(wf)
	if x.p == nil || wf.p == nil {
		return RunResult{}, closedErr("Execution run")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if h == nil {
		h = func(context.Context, NodeCall) (NodeResult, error) {
			return NodeResult{}, &NodeError{Code: "no_handler", Message: "no Go node handler was given"}
		}
	}
	handle := cgo.NewHandle(&handlerCall{ctx: ctx, h: h})
	defer handle.Delete()
	ud := (*C.uintptr_t)(C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0)))))
	defer C.free(unsafe.Pointer(ud))
	*ud = C.uintptr_t(handle)
	r := (*C.prana_run_result)(C.malloc(C.size_t(unsafe.Sizeof(C.prana_run_result{}))))
	defer C.free(unsafe.Pointer(r))
	if err := call(func(perr *C.prana_error) C.prana_status { return f(C.prana_go_handler(), unsafe.Pointer(ud), r, perr) }); err != nil {
		return RunResult{}, err
	}
	out := RunResult{
		Outcome:      Outcome(r.outcome),
		NodeID:       C.GoString(&r.node_id[0]),
		WaitMode:     WaitMode(r.wait_mode),
		Timeout:      time.Duration(r.timeout_ms) * time.Millisecond,
		ResumeID:     C.GoString(&r.resume_id[0]),
		ResumeURL:    C.GoString(&r.resume_url[0]),
		Timezone:     C.GoString(&r.timezone[0]),
		ErrorCode:    C.GoString(&r.error_code[0]),
		ErrorMessage: C.GoString(&r.error_message[0]),
	}
	if r.resume_at != 0 {
		out.ResumeAt = fromMillis(uint64(r.resume_at))
	}
	if j := C.GoString(&r.registration_json[0]); j != "" {
		out.RegistrationJSON = json.RawMessage(j)
	}
	for i := 0; i < int(r.transition_count); i++ {
		out.Transitions = append(out.Transitions, transitionFrom(&r.transitions[i]))
	}
	return out, nil
}

// Run runs a started execution with the trigger payload (a JSON value).
func (x *Execution) Run(ctx context.Context, wf *Workflow, h NodeHandler, input []byte, now time.Time) (RunResult, error) {
	in := newCbytes(input)
	return x.drive(ctx, wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result, perr *C.prana_error) C.prana_status {
		return C.prana_execution_run(wf.p, x.p, hf, ud, in.ptr(), in.len(), millis(now), out, perr)
	})
}

// Resume continues a webhook wait with the request payload (a JSON value,
// at most the execution's payload capacity). applied is the transition
// DecideResume gave and the host's compare-and-set applied (active →
// consumed); store its row (RegistrationJSON) with the result's. The
// result's transitions never repeat it: apply every one, in order. Any
// other transition is refused with StatusExecutionNotApplied (ErrNotApplied)
// and nothing changes.
func (x *Execution) Resume(ctx context.Context, wf *Workflow, h NodeHandler, applied Transition, payload []byte, now time.Time) (RunResult, error) {
	a, p := applied.c(), newCbytes(payload)
	return x.drive(ctx, wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result, perr *C.prana_error) C.prana_status {
		return C.prana_execution_resume(wf.p, x.p, hf, ud, a, p.ptr(), p.len(), millis(now), out, perr)
	})
}

// Cancel cancels a webhook wait whose registration the host consumed:
// applied is CancelDecide's transition after the compare-and-set. The
// execution continues through the wait node's cancel port when it is
// wired, else it ends ExecutionCancelled (OutcomeCancelled) with its other
// open registrations expired (in the result's transitions). As with
// Resume, the result never repeats applied.
func (x *Execution) Cancel(ctx context.Context, wf *Workflow, h NodeHandler, applied Transition, now time.Time) (RunResult, error) {
	a := applied.c()
	return x.drive(ctx, wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result, perr *C.prana_error) C.prana_status {
		return C.prana_execution_cancel(wf.p, x.p, hf, ud, a, millis(now), out, perr)
	})
}

// RegistrationJSON is the row of registration resumeID as the execution
// holds it now (status, times, webhook_config once activated). Store it
// for every registration after start, for every transition a call returns
// and for the transition applied before Resume or Cancel.
func (x *Execution) RegistrationJSON(wf *Workflow, resumeID string) (json.RawMessage, error) {
	defer runtime.KeepAlive(wf)
	if wf.p == nil {
		return nil, closedErr("Execution.RegistrationJSON")
	}
	r := newCstr(resumeID)
	b, err := x.bytes("Execution.RegistrationJSON", C.PRANA_REGISTRATION_JSON_BUF_SIZE, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_execution_registration_json(wf.p, x.p, r.ptr(), r.len(), b, l, o, perr)
	})
	return json.RawMessage(b), err
}

// Expire continues a webhook wait through its timeout port once the host
// has expired its registration: applied is the active → expired that
// DecideExpire gave and the host's compare-and-set applied (on the status
// and the stored expiry, so a resume, cancel or extend that came first
// wins). As with Resume, store its row (RegistrationJSON) with the
// result's; the result's transitions never repeat it. Any other
// transition is refused with StatusExecutionNotApplied (ErrNotApplied).
func (x *Execution) Expire(ctx context.Context, wf *Workflow, h NodeHandler, applied Transition, now time.Time) (RunResult, error) {
	a := applied.c()
	return x.drive(ctx, wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result, perr *C.prana_error) C.prana_status {
		return C.prana_execution_expire(wf.p, x.p, hf, ud, a, millis(now), out, perr)
	})
}

// Extend records in the execution an extension the host applied: ext is
// what Registration.Extend gave (Extended true) and the compare-and-set on
// the old expiry applied. The registration's expiry in the execution, and
// the state's resume_at while it waits there, move to ext.To; store the state and the
// row (RegistrationJSON) with that compare-and-set so both agree. Refused
// with StatusExecutionNotApplied (ErrNotApplied) when ext is not extended,
// the registration is not active here, or ext.To is not later than the
// expiry it holds (the same extension twice).
func (x *Execution) Extend(ext Extension) error {
	defer runtime.KeepAlive(x)
	if x.p == nil {
		return closedErr("Execution.Extend")
	}
	e := ext.c()
	return call(func(perr *C.prana_error) C.prana_status {
		return C.prana_execution_extend(x.p, e, perr)
	})
}

// ResumeTimer continues an interval or schedule wait that is due.
func (x *Execution) ResumeTimer(ctx context.Context, wf *Workflow, h NodeHandler, now time.Time) (RunResult, error) {
	return x.drive(ctx, wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result, perr *C.prana_error) C.prana_status {
		return C.prana_execution_resume_timer(wf.p, x.p, hf, ud, millis(now), out, perr)
	})
}

// Status is where the execution stands.
func (x *Execution) Status() (RunStatus, error) {
	defer runtime.KeepAlive(x)
	if x.p == nil {
		return 0, closedErr("Execution.Status")
	}
	var s C.prana_run_status
	err := call(func(perr *C.prana_error) C.prana_status { return C.prana_execution_status(x.p, &s, perr) })
	return RunStatus(s), err
}

func (x *Execution) bytes(what string, size int, f func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status) ([]byte, error) {
	defer runtime.KeepAlive(x)
	if x.p == nil {
		return nil, closedErr(what)
	}
	return outBytes(size, f)
}

func (x *Execution) str(what string, size int, f func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status) (string, error) {
	b, err := x.bytes(what, size, f)
	return string(b), err
}

// ID is the execution id.
func (x *Execution) ID() (string, error) {
	return x.render("Execution.ID", "{{ $execution.id }}", C.PRANA_ID_PART_BUF_SIZE)
}

// WorkflowID is the id of the workflow the execution runs.
func (x *Execution) WorkflowID() (string, error) {
	return x.render("Execution.WorkflowID", "{{ $execution.workflow_id }}", C.PRANA_ID_PART_BUF_SIZE)
}

// Output is the last node's output (a JSON value; empty before any ran).
func (x *Execution) Output() (json.RawMessage, error) {
	b, err := x.bytes("Execution.Output", 256, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_execution_output(x.p, b, l, o, perr)
	})
	return json.RawMessage(b), err
}

// WaitingResumeID is the resume ID the execution waits for ("" if none).
func (x *Execution) WaitingResumeID() (string, error) {
	return x.str("Execution.WaitingResumeID", MaxResumeIDLen+1, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_execution_waiting_resume_id(x.p, b, l, o, perr)
	})
}

// ResumeURL is the resume URL of a webhook wait node (with ?sig= when the
// execution was started signed): the library's rendering of
// {{ $execution.<nodeID>.resume_url }}. nodeID is checked as an id part
// first, so it can never change the template.
func (x *Execution) ResumeURL(nodeID string) (string, error) {
	if !isIDPart(nodeID) {
		s := StatusExpressionUnknownNode
		return "", &Error{Status: s, Code: s.Code(), Message: fmt.Sprintf(
			"node id %q is not 1-64 bytes of [A-Za-z0-9_-]: no wait node has it", nodeID)}
	}
	return x.render("Execution.ResumeURL", "{{ $execution."+nodeID+".resume_url }}", MaxURLLen+1)
}

// Render resolves $execution expressions in a template.
func (x *Execution) Render(template string) (string, error) {
	return x.render("Execution.Render", template, len(template)+64)
}

// isIDPart reports whether s is an id part (1-64 bytes of [A-Za-z0-9_-]),
// the only text a node id can be.
func isIDPart(s string) bool {
	if len(s) == 0 || len(s) > C.PRANA_MAX_ID_PART_LEN {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (x *Execution) render(what, template string, size int) (string, error) {
	t := newCstr(template)
	return x.str(what, size, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_execution_render(x.p, t.ptr(), t.len(), b, l, o, perr)
	})
}

// Registrations copies the execution's registrations (one per webhook wait),
// with webhook_config {}: the row to store is RegistrationJSON's.
func (x *Execution) Registrations() ([]*Registration, error) {
	defer runtime.KeepAlive(x)
	if x.p == nil {
		return nil, closedErr("Execution.Registrations")
	}
	var n C.size_t
	if err := call(func(perr *C.prana_error) C.prana_status { return C.prana_execution_registration_count(x.p, &n, perr) }); err != nil {
		return nil, err
	}
	out := make([]*Registration, 0, int(n))
	for i := 0; i < int(n); i++ {
		var p *C.prana_registration
		if err := call(func(perr *C.prana_error) C.prana_status {
			return C.prana_execution_registration(x.p, C.size_t(i), &p, perr)
		}); err != nil {
			for _, r := range out {
				_ = r.Close()
			}
			return nil, err
		}
		out = append(out, wrapRegistration(p))
	}
	return out, nil
}
