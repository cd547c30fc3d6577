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
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// NodeCall is what a node handler is asked to run.
type NodeCall struct {
	ExecutionID, WorkflowID, NodeID, NodeType string
	Params                                    string // JSON object, $execution expressions rendered
	Input                                     string // JSON
	Now                                       uint64
}

// NodeResult is a handler's output: JSON bytes and a port ("" = "main").
type NodeResult struct {
	Output []byte
	Port   string
}

// NodeError fails a node with a code and a message.
type NodeError struct {
	Code, Message string
}

func (e *NodeError) Error() string { return e.Code + ": " + e.Message }

// NodeHandler runs every node whose type is not wait or trigger. Returning
// an error fails the execution at that node (a *NodeError keeps its code).
type NodeHandler func(call NodeCall) (NodeResult, error)

// RunStatus is where an execution stands.
type RunStatus uint32

// Execution statuses.
const (
	ExecutionCreated   RunStatus = C.PRANA_EXECUTION_CREATED
	ExecutionSuspended RunStatus = C.PRANA_EXECUTION_SUSPENDED
	ExecutionCompleted RunStatus = C.PRANA_EXECUTION_COMPLETED
	ExecutionFailed    RunStatus = C.PRANA_EXECUTION_FAILED
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
)

// RunResult is the result of Run, Resume, Expire and ResumeTimer.
type RunResult struct {
	Outcome          Outcome
	NodeID           string // wait node (suspended) or failing node
	WaitMode         WaitMode
	ResumeAt         uint64 // timer resume_at or webhook expiry, unix ms
	TimeoutMs        uint64
	ResumeID         string
	ResumeURL        string
	RegistrationJSON []byte // the activated registration to persist (webhook waits)
	Timezone         string
	ErrorCode        string
	ErrorMessage     string
	Transitions      []Transition // apply each with compare-and-set, in order
}

// Workflow is a parsed workflow definition. Safe for concurrent use.
type Workflow struct {
	p *C.prana_workflow
}

// NewWorkflow parses and validates a workflow definition.
func NewWorkflow(json string) (*Workflow, error) {
	j := newCstr(json)
	var p *C.prana_workflow
	if err := call(func() C.prana_status { return C.prana_workflow_new(j.ptr(), j.len(), &p) }); err != nil {
		return nil, err
	}
	w := &Workflow{p: p}
	runtime.SetFinalizer(w, (*Workflow).Close)
	return w, nil
}

// Close frees the workflow; calling it twice is harmless.
func (w *Workflow) Close() {
	if w.p != nil {
		C.prana_workflow_free(w.p)
		w.p = nil
	}
}

// ID is the workflow id.
func (w *Workflow) ID() string {
	defer runtime.KeepAlive(w)
	s, _ := outString(80, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_workflow_id(w.p, b, l, o)
	})
	return s
}

// Execution is the state of one execution. Not safe for concurrent use.
type Execution struct {
	p *C.prana_execution
}

func wrapExecution(p *C.prana_execution) *Execution {
	x := &Execution{p: p}
	runtime.SetFinalizer(x, (*Execution).Close)
	return x
}

// StartExecution creates the execution's registrations; nothing runs yet.
// Its resume URLs are unsigned: see StartSignedExecution.
func StartExecution(wf *Workflow, executionID string, base *BaseURL, ids *IDGenerator, now uint64) (*Execution, error) {
	defer runtime.KeepAlive(wf)
	defer runtime.KeepAlive(base)
	defer runtime.KeepAlive(ids)
	e := newCstr(executionID)
	var p *C.prana_execution
	if err := call(func() C.prana_status {
		return C.prana_execution_start(wf.p, e.ptr(), e.len(), base.p, ids.p, C.uint64_t(now), &p)
	}); err != nil {
		return nil, err
	}
	return wrapExecution(p), nil
}

// StartSignedExecution is StartExecution with signed resume URLs: every
// resume URL of the execution (ResumeURL, rendered
// {{ $execution.<node>.resume_url }}, RunResult.ResumeURL) carries
// ?sig={key_id}.{mac} made with the current key of keys, and the state JSON
// keeps the signature. A nil keys starts unsigned, like StartExecution; an
// empty set fails with StatusNoSigningKey. keys is only read during the call.
func StartSignedExecution(wf *Workflow, executionID string, base *BaseURL, keys *KeySet, ids *IDGenerator, now uint64) (*Execution, error) {
	defer runtime.KeepAlive(wf)
	defer runtime.KeepAlive(base)
	defer runtime.KeepAlive(keys)
	defer runtime.KeepAlive(ids)
	var k *C.prana_key_set
	if keys != nil {
		k = keys.p
	}
	e := newCstr(executionID)
	var p *C.prana_execution
	if err := call(func() C.prana_status {
		return C.prana_execution_start_signed(wf.p, e.ptr(), e.len(), base.p, k, ids.p, C.uint64_t(now), &p)
	}); err != nil {
		return nil, err
	}
	return wrapExecution(p), nil
}

// ExecutionFromJSON restores an execution.
func ExecutionFromJSON(data []byte) (*Execution, error) {
	j := cstr{b: append([]byte(nil), data...)}
	var p *C.prana_execution
	if err := call(func() C.prana_status { return C.prana_execution_from_json(j.ptr(), j.len(), &p) }); err != nil {
		return nil, err
	}
	return wrapExecution(p), nil
}

// LoadJSON restores another execution's JSON into x in place (checked as
// ExecutionFromJSON checks it), with no new handle: the cheap way for a
// worker that reuses one Execution. On error x holds an empty execution
// that every Run/Resume/Expire/ResumeTimer refuses until a later LoadJSON
// succeeds.
func (x *Execution) LoadJSON(data []byte) error {
	defer runtime.KeepAlive(x)
	j := cstr{b: append([]byte(nil), data...)}
	return call(func() C.prana_status { return C.prana_execution_load_json(x.p, j.ptr(), j.len()) })
}

// Close frees the execution; calling it twice is harmless.
func (x *Execution) Close() {
	if x.p != nil {
		C.prana_execution_free(x.p)
		x.p = nil
	}
}

// JSON is the execution's JSON form, for the host's store.
func (x *Execution) JSON() ([]byte, error) {
	defer runtime.KeepAlive(x)
	s, err := outString(8192, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_execution_to_json(x.p, b, l, o)
	})
	return []byte(s), err
}

func (x *Execution) drive(wf *Workflow, h NodeHandler, f func(handler C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result) C.prana_status) (RunResult, error) {
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(wf)
	if h == nil {
		h = func(NodeCall) (NodeResult, error) {
			return NodeResult{}, &NodeError{Code: "no_handler", Message: "no Go node handler was given"}
		}
	}
	handle := cgo.NewHandle(h)
	defer handle.Delete()
	ud := (*C.uintptr_t)(C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0)))))
	defer C.free(unsafe.Pointer(ud))
	*ud = C.uintptr_t(handle)
	r := (*C.prana_run_result)(C.malloc(C.size_t(unsafe.Sizeof(C.prana_run_result{}))))
	defer C.free(unsafe.Pointer(r))
	if err := call(func() C.prana_status { return f(C.prana_go_handler(), unsafe.Pointer(ud), r) }); err != nil {
		return RunResult{}, err
	}
	out := RunResult{
		Outcome:      Outcome(r.outcome),
		NodeID:       C.GoString(&r.node_id[0]),
		WaitMode:     WaitMode(r.wait_mode),
		ResumeAt:     uint64(r.resume_at),
		TimeoutMs:    uint64(r.timeout_ms),
		ResumeID:     C.GoString(&r.resume_id[0]),
		ResumeURL:    C.GoString(&r.resume_url[0]),
		Timezone:     C.GoString(&r.timezone[0]),
		ErrorCode:    C.GoString(&r.error_code[0]),
		ErrorMessage: C.GoString(&r.error_message[0]),
	}
	if j := C.GoString(&r.registration_json[0]); j != "" {
		out.RegistrationJSON = []byte(j)
	}
	for i := 0; i < int(r.transition_count); i++ {
		out.Transitions = append(out.Transitions, transitionFrom(&r.transitions[i]))
	}
	return out, nil
}

// Run runs a started execution with the trigger payload (JSON).
func (x *Execution) Run(wf *Workflow, h NodeHandler, input string, now uint64) (RunResult, error) {
	in := newCstr(input)
	return x.drive(wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result) C.prana_status {
		return C.prana_execution_run(wf.p, x.p, hf, ud, in.ptr(), in.len(), C.uint64_t(now), out)
	})
}

// Resume resumes a webhook wait with the request payload (JSON).
func (x *Execution) Resume(wf *Workflow, h NodeHandler, resumeID, payload string, now uint64) (RunResult, error) {
	r, p := newCstr(resumeID), newCstr(payload)
	return x.drive(wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result) C.prana_status {
		return C.prana_execution_resume(wf.p, x.p, hf, ud, r.ptr(), r.len(), p.ptr(), p.len(), C.uint64_t(now), out)
	})
}

// Expire expires a webhook wait and continues through its timeout port.
func (x *Execution) Expire(wf *Workflow, h NodeHandler, resumeID string, now uint64) (RunResult, error) {
	r := newCstr(resumeID)
	return x.drive(wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result) C.prana_status {
		return C.prana_execution_expire(wf.p, x.p, hf, ud, r.ptr(), r.len(), C.uint64_t(now), out)
	})
}

// ResumeTimer continues an interval or schedule wait that is due.
func (x *Execution) ResumeTimer(wf *Workflow, h NodeHandler, now uint64) (RunResult, error) {
	return x.drive(wf, h, func(hf C.prana_node_handler, ud unsafe.Pointer, out *C.prana_run_result) C.prana_status {
		return C.prana_execution_resume_timer(wf.p, x.p, hf, ud, C.uint64_t(now), out)
	})
}

// Status is where the execution stands.
func (x *Execution) Status() RunStatus {
	defer runtime.KeepAlive(x)
	var s C.prana_run_status
	_ = call(func() C.prana_status { return C.prana_execution_status(x.p, &s) })
	return RunStatus(s)
}

func (x *Execution) str(size int, f func(b *C.char, l C.size_t, o *C.size_t) C.prana_status) string {
	defer runtime.KeepAlive(x)
	s, _ := outString(size, f)
	return s
}

// Output is the last output (JSON).
func (x *Execution) Output() string {
	return x.str(C.PRANA_MAX_OUTPUT_LEN+1, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_execution_output(x.p, b, l, o)
	})
}

// WaitingResumeID is the resume ID the execution waits for ("" if none).
func (x *Execution) WaitingResumeID() string {
	return x.str(MaxResumeIDLen+1, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_execution_waiting_resume_id(x.p, b, l, o)
	})
}

// ResumeURL is the resume URL of a webhook wait node (with ?sig= when the
// execution was started signed).
func (x *Execution) ResumeURL(nodeID string) (string, error) {
	defer runtime.KeepAlive(x)
	n := newCstr(nodeID)
	return outString(MaxURLLen+1, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_execution_resume_url(x.p, n.ptr(), n.len(), b, l, o)
	})
}

// Render resolves $execution expressions in a template.
func (x *Execution) Render(template string) (string, error) {
	defer runtime.KeepAlive(x)
	t := newCstr(template)
	return outString(len(template)+64, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_execution_render(x.p, t.ptr(), t.len(), b, l, o)
	})
}

// Registrations copies the execution's registrations (one per webhook wait).
func (x *Execution) Registrations() ([]*Registration, error) {
	defer runtime.KeepAlive(x)
	var n C.size_t
	if err := call(func() C.prana_status { return C.prana_execution_registration_count(x.p, &n) }); err != nil {
		return nil, err
	}
	out := make([]*Registration, 0, int(n))
	for i := 0; i < int(n); i++ {
		var p *C.prana_registration
		if err := call(func() C.prana_status { return C.prana_execution_registration(x.p, C.size_t(i), &p) }); err != nil {
			return nil, err
		}
		out = append(out, wrapRegistration(p))
	}
	return out, nil
}
