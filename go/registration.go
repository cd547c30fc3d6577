package prana

/*
#include "prana_webhook.h"
*/
import "C"

import "runtime"

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
	err := call(func() C.prana_status { return C.prana_lifecycle_status_parse(n.ptr(), n.len(), &out) })
	return LifecycleStatus(out), err
}

// CheckTransition checks from → to against the lifecycle table.
func CheckTransition(from, to LifecycleStatus) error {
	return call(func() C.prana_status { return C.prana_lifecycle_check(C.uint32_t(from), C.uint32_t(to)) })
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
func CreateRegistration(g *IDGenerator, executionID, nodeID string, now uint64) (*Registration, error) {
	defer runtime.KeepAlive(g)
	e, n := newCstr(executionID), newCstr(nodeID)
	var p *C.prana_registration
	err := call(func() C.prana_status {
		return C.prana_registration_create(g.p, e.ptr(), e.len(), n.ptr(), n.len(), C.uint64_t(now), &p)
	})
	if err != nil {
		return nil, err
	}
	return wrapRegistration(p), nil
}

// NewRegistration makes a pending registration for an existing resume ID.
func NewRegistration(resumeID, executionID, nodeID string, createdAt uint64) (*Registration, error) {
	r, e, n := newCstr(resumeID), newCstr(executionID), newCstr(nodeID)
	var p *C.prana_registration
	err := call(func() C.prana_status {
		return C.prana_registration_new(r.ptr(), r.len(), e.ptr(), e.len(), n.ptr(), n.len(), C.uint64_t(createdAt), &p)
	})
	if err != nil {
		return nil, err
	}
	return wrapRegistration(p), nil
}

// RegistrationFromJSON reads a registration from its JSON form.
func RegistrationFromJSON(data []byte) (*Registration, error) {
	j := cstr{b: append([]byte(nil), data...)}
	var p *C.prana_registration
	if err := call(func() C.prana_status { return C.prana_registration_from_json(j.ptr(), j.len(), &p) }); err != nil {
		return nil, err
	}
	return wrapRegistration(p), nil
}

// Close frees the registration; calling it twice is harmless.
func (r *Registration) Close() {
	if r.p != nil {
		C.prana_registration_free(r.p)
		r.p = nil
	}
}

// Clone makes an independent copy.
func (r *Registration) Clone() (*Registration, error) {
	defer runtime.KeepAlive(r)
	var p *C.prana_registration
	if err := call(func() C.prana_status { return C.prana_registration_clone(r.p, &p) }); err != nil {
		return nil, err
	}
	return wrapRegistration(p), nil
}

// JSON is the registration's JSON form, for the host's store.
func (r *Registration) JSON() ([]byte, error) {
	defer runtime.KeepAlive(r)
	s, err := outString(C.PRANA_REGISTRATION_JSON_BUF_SIZE, func(buf *C.char, l C.size_t, out *C.size_t) C.prana_status {
		return C.prana_registration_to_json(r.p, buf, l, out)
	})
	return []byte(s), err
}

func (r *Registration) transition(f func(out *C.prana_transition) C.prana_status) (Transition, error) {
	defer runtime.KeepAlive(r)
	var t C.prana_transition
	if err := call(func() C.prana_status { return f(&t) }); err != nil {
		return Transition{}, err
	}
	return transitionFrom(&t), nil
}

// Activate: pending → active at now, expiring after timeoutMs, with a
// webhook_config JSON object ("" means {}).
func (r *Registration) Activate(now, timeoutMs uint64, webhookConfig string) (Transition, error) {
	c := newCstr(webhookConfig)
	return r.transition(func(out *C.prana_transition) C.prana_status {
		return C.prana_registration_activate(r.p, C.uint64_t(now), C.uint64_t(timeoutMs), c.ptr(), c.len(), out)
	})
}

// Consume: active → consumed at now (at most once).
func (r *Registration) Consume(now uint64) (Transition, error) {
	return r.transition(func(out *C.prana_transition) C.prana_status {
		return C.prana_registration_consume(r.p, C.uint64_t(now), out)
	})
}

// Expire: pending/active → expired.
func (r *Registration) Expire() (Transition, error) {
	return r.transition(func(out *C.prana_transition) C.prana_status {
		return C.prana_registration_expire(r.p, out)
	})
}

func (r *Registration) str(size int, f func(buf *C.char, l C.size_t, out *C.size_t) C.prana_status) string {
	defer runtime.KeepAlive(r)
	s, _ := outString(size, f)
	return s
}

// ResumeID is the registration's resume ID.
func (r *Registration) ResumeID() string {
	return r.str(MaxResumeIDLen+1, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_registration_resume_id(r.p, b, l, o)
	})
}

// ExecutionID is the execution it belongs to.
func (r *Registration) ExecutionID() string {
	return r.str(80, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_registration_execution_id(r.p, b, l, o)
	})
}

// NodeID is the wait node it belongs to.
func (r *Registration) NodeID() string {
	return r.str(80, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_registration_node_id(r.p, b, l, o)
	})
}

// WebhookConfig is the webhook_config JSON object ("{}" until activation).
func (r *Registration) WebhookConfig() string {
	return r.str(C.PRANA_MAX_CONFIG_LEN+1, func(b *C.char, l C.size_t, o *C.size_t) C.prana_status {
		return C.prana_registration_webhook_config(r.p, b, l, o)
	})
}

// Status is the stored lifecycle status.
func (r *Registration) Status() LifecycleStatus {
	defer runtime.KeepAlive(r)
	var s C.prana_lifecycle_status
	_ = call(func() C.prana_status { return C.prana_registration_status(r.p, &s) })
	return LifecycleStatus(s)
}

// StatusAt is the status as of now (an active registration past expires_at is expired).
func (r *Registration) StatusAt(now uint64) LifecycleStatus {
	defer runtime.KeepAlive(r)
	var s C.prana_lifecycle_status
	_ = call(func() C.prana_status { return C.prana_registration_status_at(r.p, C.uint64_t(now), &s) })
	return LifecycleStatus(s)
}

// CreatedAt is the creation time, unix ms.
func (r *Registration) CreatedAt() uint64 {
	defer runtime.KeepAlive(r)
	var v C.uint64_t
	_ = call(func() C.prana_status { return C.prana_registration_created_at(r.p, &v) })
	return uint64(v)
}

// ExpiresAt is the expiry time, unix ms; ok is false before activation.
func (r *Registration) ExpiresAt() (at uint64, ok bool) {
	defer runtime.KeepAlive(r)
	var v C.uint64_t
	var has C.bool
	_ = call(func() C.prana_status { return C.prana_registration_expires_at(r.p, &has, &v) })
	return uint64(v), bool(has)
}

// Decision is the result of DecideResume.
type Decision struct {
	Resume     bool       // apply Transition with compare-and-set, then resume
	Transition Transition // active → consumed
	Answer     HTTPAnswer // 200, or the rejection
}

// DecideResume decides a resume request given the registration the host
// looked up (nil when there is none) and the clock. The registration is
// not changed.
func DecideResume(resumeID string, reg *Registration, now uint64) (Decision, error) {
	defer runtime.KeepAlive(reg)
	id := newCstr(resumeID)
	var p *C.prana_registration
	if reg != nil {
		p = reg.p
	}
	var d C.prana_resume_decision
	if err := call(func() C.prana_status { return C.prana_decide_resume(id.ptr(), id.len(), p, C.uint64_t(now), &d) }); err != nil {
		return Decision{}, err
	}
	out := Decision{Resume: bool(d.resume), Answer: answerFrom(&d.answer)}
	if out.Resume {
		out.Transition = transitionFrom(&d.transition)
	}
	return out, nil
}

// LostRaceAnswer is the answer when the compare-and-set changed no row (409).
func LostRaceAnswer() HTTPAnswer {
	var a C.prana_http_answer
	_ = call(func() C.prana_status { return C.prana_lost_race_answer(&a) })
	return answerFrom(&a)
}
