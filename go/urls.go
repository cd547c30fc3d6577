package prana

/*
#include "prana_webhook.h"
*/
import "C"

import (
	"fmt"
	"net/http"
	"runtime"
)

// BaseURL is a validated base URL (http or https, host, optional port and
// path prefix). Immutable and safe for concurrent use.
type BaseURL struct {
	p *C.prana_base_url
	s string
}

// NewBaseURL parses and normalizes a base URL.
func NewBaseURL(url string) (*BaseURL, error) {
	s := newCstr(url)
	var p *C.prana_base_url
	if err := call(func(perr *C.prana_error) C.prana_status { return C.prana_base_url_new(s.ptr(), s.len(), &p, perr) }); err != nil {
		return nil, err
	}
	norm, err := outString(MaxURLLen+1, func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_base_url_str(p, buf, l, out, perr)
	})
	if err != nil {
		C.prana_base_url_free(p)
		return nil, err
	}
	b := &BaseURL{p: p, s: norm}
	runtime.SetFinalizer(b, (*BaseURL).Close)
	return b, nil
}

// Close frees the base URL; calling it twice is harmless.
func (b *BaseURL) Close() error {
	if b.p != nil {
		C.prana_base_url_free(b.p)
		b.p = nil
	}
	return nil
}

// String is the normalized base URL.
func (b *BaseURL) String() string { return b.s }

func (b *BaseURL) url(what string, f func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status) (string, error) {
	defer runtime.KeepAlive(b)
	if b.p == nil {
		return "", closedErr(what)
	}
	return outString(MaxURLLen+1, f)
}

// TriggerURL is {base}/webhook/workflow/trigger/{workflowID}.
func (b *BaseURL) TriggerURL(workflowID string) (string, error) {
	w := newCstr(workflowID)
	return b.url("BaseURL.TriggerURL", func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_base_url_trigger_url(b.p, w.ptr(), w.len(), buf, l, out, perr)
	})
}

// ResumeURL is {base}/webhook/workflow/resume/{resumeID} for an existing
// resume ID, unsigned (see KeySet.SignedURL).
func (b *BaseURL) ResumeURL(resumeID string) (string, error) {
	return b.ActionURL(RouteResume, resumeID)
}

// CancelURL is {base}/webhook/workflow/cancel/{resumeID}, unsigned (see
// KeySet.SignedURL).
func (b *BaseURL) CancelURL(resumeID string) (string, error) {
	return b.ActionURL(RouteCancel, resumeID)
}

// ExtendURL is {base}/webhook/workflow/extend/{resumeID}, unsigned.
func (b *BaseURL) ExtendURL(resumeID string) (string, error) {
	return b.ActionURL(RouteExtend, resumeID)
}

// ActionURL is the resume, cancel or extend URL of an existing resume ID,
// unsigned; another action is StatusInvalidArgument.
func (b *BaseURL) ActionURL(action RouteKind, resumeID string) (string, error) {
	return b.actionURL("BaseURL.ActionURL", nil, action, resumeID)
}

// actionURL asks the library for the URL of action on resumeID, signed by
// keys (nil: unsigned).
func (b *BaseURL) actionURL(what string, keys *C.prana_key_set, action RouteKind, resumeID string) (string, error) {
	r := newCstr(resumeID)
	return b.url(what, func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_base_url_action_url(b.p, keys, C.uint32_t(action), r.ptr(), r.len(), buf, l, out, perr)
	})
}

// RouteKind says what a webhook route does.
type RouteKind uint32

// Route kinds: {base}/webhook/workflow/{trigger|resume|cancel|extend}/{id}.
const (
	RouteNone    RouteKind = C.PRANA_ROUTE_NONE
	RouteTrigger RouteKind = C.PRANA_ROUTE_TRIGGER
	RouteResume  RouteKind = C.PRANA_ROUTE_RESUME
	RouteCancel  RouteKind = C.PRANA_ROUTE_CANCEL
	RouteExtend  RouteKind = C.PRANA_ROUTE_EXTEND
)

// Route is a parsed request target.
type Route struct {
	Kind     RouteKind
	ID       string // workflow id or resume ID
	HasQuery bool
	Query    string // without '?'
}

func routeFrom(target string, r *C.prana_route) Route {
	out := Route{Kind: RouteKind(r.kind), HasQuery: bool(r.has_query)}
	if out.Kind != RouteNone {
		out.ID = target[int(r.id.offset) : int(r.id.offset)+int(r.id.len)]
	}
	if out.HasQuery {
		out.Query = target[int(r.query.offset) : int(r.query.offset)+int(r.query.len)]
	}
	return out
}

// ParseTarget parses a request target or full URL under the base's prefix.
func (b *BaseURL) ParseTarget(target string) (Route, error) {
	defer runtime.KeepAlive(b)
	if b.p == nil {
		return Route{}, closedErr("BaseURL.ParseTarget")
	}
	t := newCstr(target)
	var r C.prana_route
	if err := call(func(perr *C.prana_error) C.prana_status { return C.prana_route_parse(b.p, t.ptr(), t.len(), &r, perr) }); err != nil {
		return Route{}, err
	}
	return routeFrom(target, &r), nil
}

// HTTPAnswer is what to answer over HTTP.
type HTTPAnswer struct {
	Status  int    // 200 when accepted / resuming
	Code    string // "" when accepted, else e.g. "webhook_expired"
	Cause   Status // the underlying error's status, or StatusOK
	Message string
}

// Err is nil for an accepted answer (200), else an *AnswerError.
func (a HTTPAnswer) Err() error {
	if a.Status == http.StatusOK {
		return nil
	}
	return &AnswerError{Answer: a}
}

// AnswerError is a rejection (an HTTPAnswer that is not 200) as an error.
// errors.Is matches it against the sentinel of its code (ErrExpired for
// webhook_expired, ...).
type AnswerError struct {
	Answer HTTPAnswer
}

func (e *AnswerError) Error() string {
	return fmt.Sprintf("prana: %d %s: %s", e.Answer.Status, e.Answer.Code, e.Answer.Message)
}

// Is matches the sentinel of the answer's code.
func (e *AnswerError) Is(target error) bool {
	var s error
	switch e.Answer.Code {
	case "not_found", "webhook_not_found":
		s = ErrNotFound
	case "invalid_webhook_url":
		s = ErrInvalidURL
	case "invalid_signature":
		s = ErrInvalidSignature
	case "wait_node_not_active":
		s = ErrNotActive
	case "webhook_expired":
		s = ErrExpired
	case "webhook_already_used":
		s = ErrAlreadyUsed
	case "method_not_allowed":
		s = ErrMethodNotAllowed
	case "payload_too_large":
		s = ErrPayloadTooLarge
	case "extend_not_later":
		s = ErrExtendNotLater
	case "extend_beyond_limit":
		s = ErrExtendBeyondLimit
	case "invalid_extend_request":
		s = ErrInvalidExtend
	}
	return s != nil && s == target
}

func answerFrom(a *C.prana_http_answer) HTTPAnswer {
	return HTTPAnswer{
		Status:  int(a.http_status),
		Code:    C.GoString(a.code),
		Cause:   Status(a.cause),
		Message: C.GoString(&a.message[0]),
	}
}

// PrecheckResult is the result of Precheck.
type PrecheckResult struct {
	Accepted bool
	Route    Route
	Answer   HTTPAnswer
}

// Precheck checks route, method and body size before any store lookup.
// A rejection is a result (Answer.Err() is its error), not an error.
func (b *BaseURL) Precheck(method, target string, bodyLen, maxPayload int64) (PrecheckResult, error) {
	defer runtime.KeepAlive(b)
	if b.p == nil {
		return PrecheckResult{}, closedErr("BaseURL.Precheck")
	}
	if bodyLen < 0 {
		bodyLen = 0
	}
	if maxPayload < 0 {
		maxPayload = 0
	}
	m, t := newCstr(method), newCstr(target)
	var p C.prana_precheck
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_request_check(b.p, m.ptr(), m.len(), t.ptr(), t.len(),
			C.size_t(bodyLen), C.size_t(maxPayload), &p, perr)
	})
	if err != nil {
		return PrecheckResult{}, err
	}
	return PrecheckResult{Accepted: bool(p.accepted), Route: routeFrom(target, &p.route), Answer: answerFrom(&p.answer)}, nil
}

// PrecheckRequest is Precheck of an *http.Request: its method, its
// request target (RequestURI: path and query, as sent) and its declared
// Content-Length (an unknown length counts as 0: limit the body when
// reading it, see http.MaxBytesReader). The body is not read.
func (b *BaseURL) PrecheckRequest(r *http.Request, maxPayload int64) (PrecheckResult, error) {
	target := r.RequestURI
	if target == "" {
		target = r.URL.RequestURI()
	}
	return b.Precheck(r.Method, target, r.ContentLength, maxPayload)
}
