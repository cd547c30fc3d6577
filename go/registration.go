package prana

/*
#include "prana_webhook.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// LifecycleStatus is the state of a registration.
type LifecycleStatus uint32

// Lifecycle states.
const (
	Pending  LifecycleStatus = C.PRANA_LIFECYCLE_PENDING
	Active   LifecycleStatus = C.PRANA_LIFECYCLE_ACTIVE
	Consumed LifecycleStatus = C.PRANA_LIFECYCLE_CONSUMED
	Expired  LifecycleStatus = C.PRANA_LIFECYCLE_EXPIRED
)

// String is the lowercase name ("pending", ...).
func (s LifecycleStatus) String() string {
	return C.GoString(C.prana_lifecycle_status_name(C.uint32_t(s)))
}

// ParseLifecycleStatus parses a lowercase state name.
func ParseLifecycleStatus(name string) (LifecycleStatus, error) {
	n := newCstr(name)
	var out C.prana_lifecycle_status
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_lifecycle_status_parse(n.ptr(), n.len(), &out, perr)
	})
	return LifecycleStatus(out), err
}

// CheckTransition checks from → to against the lifecycle table.
func CheckTransition(from, to LifecycleStatus) error {
	return call(func(perr *C.prana_error) C.prana_status {
		return C.prana_lifecycle_check(C.uint32_t(from), C.uint32_t(to), perr)
	})
}

// Transition is a state change to apply with compare-and-set:
// UPDATE … SET status = To WHERE resume_id = ResumeID AND status = From.
type Transition struct {
	ResumeID string
	From, To LifecycleStatus
}

func transitionFrom(t *C.prana_transition) Transition {
	return Transition{
		ResumeID: C.GoStringN(&t.resume_id[0], C.int(t.resume_id_len)),
		From:     LifecycleStatus(t.from),
		To:       LifecycleStatus(t.to),
	}
}

// c is e as the C ABI's struct (Go memory without Go pointers, safe to
// pass for the length of a call). A resume ID too long for the struct
// leaves it empty, which the library refuses.
func (e Extension) c() *C.prana_extension {
	out := new(C.prana_extension)
	out.extended = C.bool(e.Extended)
	if len(e.ResumeID) < len(out.resume_id) {
		for i := 0; i < len(e.ResumeID); i++ {
			out.resume_id[i] = C.char(e.ResumeID[i])
		}
		out.resume_id_len = C.size_t(len(e.ResumeID))
	}
	out.from_expires_at = C.uint64_t(millis(e.From))
	out.to_expires_at = C.uint64_t(millis(e.To))
	return out
}

// c is t as the C ABI's struct (Go memory without Go pointers, safe to
// pass for the length of a call). A resume ID too long for the struct
// leaves it empty, which the library refuses as not applied.
func (t Transition) c() *C.prana_transition {
	out := new(C.prana_transition)
	if len(t.ResumeID) < len(out.resume_id) {
		for i := 0; i < len(t.ResumeID); i++ {
			out.resume_id[i] = C.char(t.ResumeID[i])
		}
		out.resume_id_len = C.size_t(len(t.ResumeID))
	}
	out.from = C.prana_lifecycle_status(t.From)
	out.to = C.prana_lifecycle_status(t.To)
	return out
}

// Registration is one wait node's webhook in one execution. Not safe for
// concurrent mutation; persist it with JSON.
type Registration struct {
	p *C.prana_registration
}

func wrapRegistration(p *C.prana_registration) *Registration {
	r := &Registration{p: p}
	runtime.SetFinalizer(r, (*Registration).Close)
	return r
}

// CreateRegistration makes a pending registration with a fresh resume ID.
func CreateRegistration(g *IDGenerator, executionID, nodeID string, now time.Time) (*Registration, error) {
	defer runtime.KeepAlive(g)
	if g.p == nil {
		return nil, closedErr("CreateRegistration")
	}
	e, n := newCstr(executionID), newCstr(nodeID)
	var p *C.prana_registration
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_registration_create(g.p, nil, 0, e.ptr(), e.len(), n.ptr(), n.len(), millis(now), &p, perr)
	})
	if err != nil {
		return nil, err
	}
	return wrapRegistration(p), nil
}

// NewRegistration makes a pending registration for an existing resume ID.
func NewRegistration(resumeID, executionID, nodeID string, createdAt time.Time) (*Registration, error) {
	r, e, n := newCstr(resumeID), newCstr(executionID), newCstr(nodeID)
	var p *C.prana_registration
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_registration_create(nil, r.ptr(), r.len(), e.ptr(), e.len(), n.ptr(), n.len(), millis(createdAt), &p, perr)
	})
	if err != nil {
		return nil, err
	}
	return wrapRegistration(p), nil
}

// RegistrationFromJSON reads a registration from its JSON form.
func RegistrationFromJSON(data []byte) (*Registration, error) {
	j := newCbytes(data)
	var p *C.prana_registration
	if err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_registration_from_json(j.ptr(), j.len(), &p, perr)
	}); err != nil {
		return nil, err
	}
	return wrapRegistration(p), nil
}

// Close frees the registration; calling it twice is harmless.
func (r *Registration) Close() error {
	if r.p != nil {
		C.prana_registration_free(r.p)
		r.p = nil
	}
	return nil
}

// Clone makes an independent copy.
func (r *Registration) Clone() (*Registration, error) {
	defer runtime.KeepAlive(r)
	if r.p == nil {
		return nil, closedErr("Registration.Clone")
	}
	var p *C.prana_registration
	if err := call(func(perr *C.prana_error) C.prana_status { return C.prana_registration_clone(r.p, &p, perr) }); err != nil {
		return nil, err
	}
	return wrapRegistration(p), nil
}

// JSON is the registration's JSON form, for the host's store.
func (r *Registration) JSON() (json.RawMessage, error) {
	b, err := r.bytes("Registration.JSON", C.PRANA_REGISTRATION_JSON_BUF_SIZE, func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_registration_to_json(r.p, buf, l, out, perr)
	})
	return json.RawMessage(b), err
}

func (r *Registration) transition(what string, f func(out *C.prana_transition, perr *C.prana_error) C.prana_status) (Transition, error) {
	defer runtime.KeepAlive(r)
	if r.p == nil {
		return Transition{}, closedErr(what)
	}
	var t C.prana_transition
	if err := call(func(perr *C.prana_error) C.prana_status { return f(&t, perr) }); err != nil {
		return Transition{}, err
	}
	return transitionFrom(&t), nil
}

// Activate: pending → active at now, expiring after timeout, with a
// webhook_config JSON object (empty means {}).
func (r *Registration) Activate(now time.Time, timeout time.Duration, webhookConfig json.RawMessage) (Transition, error) {
	c := newCbytes(webhookConfig)
	return r.transition("Registration.Activate", func(out *C.prana_transition, perr *C.prana_error) C.prana_status {
		return C.prana_registration_activate(r.p, millis(now), durationMillis(timeout), c.ptr(), c.len(), out, perr)
	})
}

// Consume: active → consumed at now (at most once).
func (r *Registration) Consume(now time.Time) (Transition, error) {
	return r.transition("Registration.Consume", func(out *C.prana_transition, perr *C.prana_error) C.prana_status {
		return C.prana_registration_consume(r.p, millis(now), out, perr)
	})
}

// Expire: pending/active → expired.
func (r *Registration) Expire() (Transition, error) {
	return r.transition("Registration.Expire", func(out *C.prana_transition, perr *C.prana_error) C.prana_status {
		return C.prana_registration_expire(r.p, out, perr)
	})
}

func (r *Registration) bytes(what string, size int, f func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status) ([]byte, error) {
	defer runtime.KeepAlive(r)
	if r.p == nil {
		return nil, closedErr(what)
	}
	return outBytes(size, f)
}

func (r *Registration) str(what string, size int, f func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status) (string, error) {
	b, err := r.bytes(what, size, f)
	return string(b), err
}

// ResumeID is the registration's resume ID.
func (r *Registration) ResumeID() (string, error) {
	return r.str("Registration.ResumeID", MaxResumeIDLen+1, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_registration_resume_id(r.p, b, l, o, perr)
	})
}

// ExecutionID is the execution it belongs to.
func (r *Registration) ExecutionID() (string, error) {
	return r.str("Registration.ExecutionID", C.PRANA_ID_PART_BUF_SIZE, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_registration_execution_id(r.p, b, l, o, perr)
	})
}

// NodeID is the wait node it belongs to.
func (r *Registration) NodeID() (string, error) {
	return r.str("Registration.NodeID", C.PRANA_ID_PART_BUF_SIZE, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_registration_node_id(r.p, b, l, o, perr)
	})
}

// WebhookConfig is the webhook_config JSON object ({} until activation).
func (r *Registration) WebhookConfig() (json.RawMessage, error) {
	b, err := r.bytes("Registration.WebhookConfig", 256, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_registration_webhook_config(r.p, b, l, o, perr)
	})
	return json.RawMessage(b), err
}

// Status is the stored lifecycle status.
func (r *Registration) Status() (LifecycleStatus, error) {
	defer runtime.KeepAlive(r)
	if r.p == nil {
		return 0, closedErr("Registration.Status")
	}
	var s C.prana_lifecycle_status
	err := call(func(perr *C.prana_error) C.prana_status { return C.prana_registration_status(r.p, &s, perr) })
	return LifecycleStatus(s), err
}

// StatusAt is the status as of now (an active registration past expires_at is expired).
func (r *Registration) StatusAt(now time.Time) (LifecycleStatus, error) {
	defer runtime.KeepAlive(r)
	if r.p == nil {
		return 0, closedErr("Registration.StatusAt")
	}
	var s C.prana_lifecycle_status
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_registration_status_at(r.p, millis(now), &s, perr)
	})
	return LifecycleStatus(s), err
}

// CreatedAt is the creation time.
func (r *Registration) CreatedAt() (time.Time, error) {
	defer runtime.KeepAlive(r)
	if r.p == nil {
		return time.Time{}, closedErr("Registration.CreatedAt")
	}
	var v C.uint64_t
	err := call(func(perr *C.prana_error) C.prana_status { return C.prana_registration_created_at(r.p, &v, perr) })
	return fromMillis(uint64(v)), err
}

// ExpiresAt is the expiry time; ok is false before activation.
func (r *Registration) ExpiresAt() (at time.Time, ok bool, err error) {
	defer runtime.KeepAlive(r)
	if r.p == nil {
		return time.Time{}, false, closedErr("Registration.ExpiresAt")
	}
	var v C.uint64_t
	var has C.bool
	if err := call(func(perr *C.prana_error) C.prana_status { return C.prana_registration_expires_at(r.p, &has, &v, perr) }); err != nil || !bool(has) {
		return time.Time{}, false, err
	}
	return fromMillis(uint64(v)), true, nil
}

// Decision is the result of DecideResume.
type Decision struct {
	Resume     bool       // apply Transition with compare-and-set, then resume
	Transition Transition // active → consumed
	Answer     HTTPAnswer // 200, or the rejection
}

// DecideResume decides a resume request given the registration the host
// looked up (nil when there is none) and the clock. The registration is
// not changed. A rejection is a Decision (Answer.Err() is its error), not
// an error.
func DecideResume(resumeID string, reg *Registration, now time.Time) (Decision, error) {
	return decide("DecideResume", resumeID, reg, now, false)
}

// CancelDecide decides a cancel request as DecideResume decides a resume:
// the same answers and the same active → consumed transition, so of a
// resume and a cancel of one wait the first compare-and-set wins and the
// other is answered 409. Then call Execution.Cancel with the transition.
func CancelDecide(resumeID string, reg *Registration, now time.Time) (Decision, error) {
	return decide("CancelDecide", resumeID, reg, now, true)
}

func decide(what, resumeID string, reg *Registration, now time.Time, cancel bool) (Decision, error) {
	defer runtime.KeepAlive(reg)
	id := newCstr(resumeID)
	var p *C.prana_registration
	if reg != nil {
		if reg.p == nil {
			return Decision{}, closedErr(what)
		}
		p = reg.p
	}
	var d C.prana_resume_decision
	if err := call(func(perr *C.prana_error) C.prana_status {
		if cancel {
			return C.prana_cancel_decide(id.ptr(), id.len(), p, millis(now), &d, perr)
		}
		return C.prana_resume_decide(id.ptr(), id.len(), p, millis(now), &d, perr)
	}); err != nil {
		return Decision{}, err
	}
	out := Decision{Resume: bool(d.resume), Answer: answerFrom(&d.answer)}
	if out.Resume {
		out.Transition = transitionFrom(&d.transition)
	}
	return out, nil
}

// DecideExpire decides whether a sweeper expires the registration
// resumeID, given the row the host looked up (nil when there is none) and
// the clock: ok with the active → expired transition when the row is that
// registration, stored active, and its expiry has passed by now; not ok
// when there is nothing to expire (no row, pending, consumed, already
// expired, or not due: an extension moved it). Apply the transition with
// compare-and-set on the status and the stored expiry, then hand it to
// Execution.Expire only when exactly one row changed. reg is not changed.
func DecideExpire(resumeID string, reg *Registration, now time.Time) (t Transition, ok bool, err error) {
	defer runtime.KeepAlive(reg)
	id := newCstr(resumeID)
	var p *C.prana_registration
	if reg != nil {
		if reg.p == nil {
			return Transition{}, false, closedErr("DecideExpire")
		}
		p = reg.p
	}
	var due C.bool
	var out C.prana_transition
	if err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_expire_decide(id.ptr(), id.len(), p, millis(now), &due, &out, perr)
	}); err != nil || !bool(due) {
		return Transition{}, false, err
	}
	return transitionFrom(&out), true, nil
}

// LostRaceAnswer is the answer when the compare-and-set changed no row
// because another request consumed the registration first (409
// webhook_already_used). When the row may have changed otherwise (expired by
// a sweeper), re-read it and call DecideResume again for the exact answer.
func LostRaceAnswer() HTTPAnswer {
	lostRace.once.Do(func() { lostRace.answer = consumedAnswer() })
	return lostRace.answer
}

var lostRace struct {
	once   sync.Once
	answer HTTPAnswer
}

// consumedAnswer is the library's decision on a consumed registration:
// the answer a request gets after another one won.
func consumedAnswer() HTTPAnswer {
	const rid = "webhook_e_n_00000000000000000000000000"
	reg, err := NewRegistration(rid, "e", "n", time.Unix(0, 0))
	if err == nil {
		defer reg.Close()
		if _, err = reg.Activate(time.Unix(0, 0), time.Hour, nil); err == nil {
			_, err = reg.Consume(time.Unix(0, 0))
		}
	}
	var d Decision
	if err == nil {
		d, err = DecideResume(rid, reg, time.Unix(0, 0))
	}
	if err != nil || d.Resume {
		// Fixed valid inputs: only a library bug gets here.
		panic(fmt.Sprintf("prana: deciding on a consumed registration: %+v %v", d, err))
	}
	return d.Answer
}

// Extension is the result of Registration.Extend.
type Extension struct {
	// Extended: the registration now expires at To. Store it with a
	// compare-and-set on the expiry: UPDATE … SET expires_at = To, row =
	// Registration.JSON() WHERE resume_id = ResumeID AND status = 'active'
	// AND expires_at = From; no row changed means another request moved or
	// used it first.
	Extended bool
	ResumeID string
	From, To time.Time
	// Answer is 200 when extended, else the rejection: 404
	// webhook_not_found, 400 wait_node_not_active, 410 webhook_expired,
	// 409 webhook_already_used, 400 invalid_extend_request, 422
	// extend_not_later (ErrExtendNotLater) or extend_beyond_limit
	// (ErrExtendBeyondLimit). Answer.Err() is its error.
	Answer HTTPAnswer
}

// Extend decides and applies an extend (heartbeat) request on the
// registration the host looked up (nil when there is none): body is empty
// or {"timeout_hours": n} (0 < n ≤ 8760, fractions allowed, default 24)
// and the new expiry is now + n hours. On success r holds the new expiry;
// a rejection is an Extension with Extended false, not an error. Once the
// compare-and-set on the old expiry changed the row, hand the Extension to
// Execution.Extend and store the state with the row, so the execution
// agrees with the store on when the wait expires.
func (r *Registration) Extend(resumeID string, body []byte, now time.Time) (Extension, error) {
	defer runtime.KeepAlive(r)
	var p *C.prana_registration
	if r != nil {
		if r.p == nil {
			return Extension{}, closedErr("Registration.Extend")
		}
		p = r.p
	}
	id, b := newCstr(resumeID), newCbytes(body)
	var e C.prana_extension
	if err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_registration_extend(p, id.ptr(), id.len(), b.ptr(), b.len(), millis(now), &e, perr)
	}); err != nil {
		return Extension{}, err
	}
	out := Extension{Extended: bool(e.extended), Answer: answerFrom(&e.answer)}
	if out.Extended {
		out.ResumeID = C.GoStringN(&e.resume_id[0], C.int(e.resume_id_len))
		out.From = fromMillis(uint64(e.from_expires_at))
		out.To = fromMillis(uint64(e.to_expires_at))
	}
	return out, nil
}

// Describe is the JSON description of the wait for a GET that does not
// ask for HTML: {"node", "status" (as of now), "expires_at", "title",
// "description", "form"}, absent values null.
func (r *Registration) Describe(now time.Time) (json.RawMessage, error) {
	b, err := r.bytes("Registration.Describe", C.PRANA_REGISTRATION_JSON_BUF_SIZE, func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_registration_describe(r.p, millis(now), buf, l, out, perr)
	})
	return json.RawMessage(b), err
}
