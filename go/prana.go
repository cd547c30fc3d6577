// Package prana is the Go binding of libprana_webhook, the C ABI of Prana
// webhook: a workflow pauses at a wait node and resumes, exactly once, when
// an HTTP request reaches its resume URL.
//
// # Linking
//
// The package links libprana_webhook through pkg-config (package
// prana_webhook). After `make install PREFIX=/usr/local` the installed
// prana_webhook.pc is found as is (set PKG_CONFIG_PATH for another prefix).
// For development inside the repository, `make go-dev-pc` writes a .pc file
// that points at the in-tree header and static library; put its directory on
// PKG_CONFIG_PATH (see README.md next to this file).
//
// # The host protocol
//
// The library decides; the host (this process) owns randomness, the clock
// and persistence. Every registration change comes back once, with the row
// to store: the host applies each, in order, and never skips or patches
// one. One execution with a webhook wait goes:
//
//  1. start: StartSignedExecution creates the execution and one pending
//     registration per webhook wait node;
//  2. store rows: the host stores each registration's row
//     (Execution.RegistrationJSON) and the execution's JSON;
//  3. run: Execution.Run runs the workflow until it suspends at the wait;
//     the host applies every returned Transition with compare-and-set,
//     stores its row (RegistrationJSON) and the execution's JSON;
//  4. request: an HTTP request reaches the resume (or cancel) URL;
//     BaseURL.PrecheckRequest checks route, method and size, KeySet.Verify
//     the ?sig= signature in the route's own domain;
//  5. decide: the host looks the registration up by resume ID and calls
//     DecideResume (or CancelDecide);
//  6. compare-and-set: the host applies Decision.Transition (active →
//     consumed); when no row changed another request won (LostRaceAnswer,
//     409);
//  7. load state: the winner loads the execution's JSON (ExecutionFromJSON);
//  8. resume: Execution.Resume (or Cancel) with the transition step 6
//     applied continues after the wait;
//  9. store rows: the host stores the applied transition's row and applies
//     every returned transition (none repeats the applied one), each with
//     its row, then the execution's JSON.
//
// An extend (heartbeat) is Registration.Extend on the looked-up row and a
// compare-and-set on its expiry. A GET on a resume or cancel URL only
// reads: AcceptsHTML chooses between the wait's page (RenderWaitPage, sent
// with SecurityHeaders) and its description (Registration.Describe); a form
// POST becomes the resume payload through DecodeForm.
//
// The package webhookhttp serves this protocol as an http.Handler over a
// Store; ExampleExecution_Resume walks through it by hand.
//
// # Values
//
// Times are time.Time and time.Duration (the C ABI counts unix
// milliseconds); JSON values are []byte or json.RawMessage. Every failure is
// an *Error carrying the C status, its stable code and the library's
// message; errors.Is matches it against a Status's error (StatusIDTooLong.Err())
// and against the sentinel errors (ErrAlreadyUsed, ErrExpired, ...). Handles
// own C memory: Close them (a finalizer frees forgotten ones).
package prana

/*
#cgo pkg-config: prana_webhook
#include <stdlib.h>
#include "prana_webhook.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"time"
	"unsafe"
)

// Version is the C library's version.
func Version() string { return C.GoString(C.prana_version()) }

// Status is a prana_status number. Numbers are stable; every status of the
// header has a name (status_names.go, generated from it).
type Status uint32

// Code is the stable snake_case code of the status ("id_too_long").
func (s Status) Code() string { return C.GoString(C.prana_status_code(C.uint32_t(s))) }

// String is the status's short description.
func (s Status) String() string { return C.GoString(C.prana_status_str(C.uint32_t(s))) }

// Err is an error value for the status, for errors.Is:
// errors.Is(err, prana.StatusIDTooLong.Err()).
func (s Status) Err() error { return &Error{Status: s, Code: s.Code()} }

// Error is a failed call: its status, the status's code, and the detail
// message of the library.
type Error struct {
	Status  Status
	Code    string
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("prana: %s: %s", e.Code, e.Status.String())
	}
	return fmt.Sprintf("prana: %s: %s", e.Code, e.Message)
}

// Is matches another *Error with the same status, and the sentinel error
// of the status's kind (see the Err… variables).
func (e *Error) Is(target error) bool {
	if t, ok := target.(*Error); ok {
		return t.Status == e.Status
	}
	return target != nil && sentinelOfStatus(e.Status) == target
}

// Sentinel errors for the outcomes callers branch on. errors.Is matches
// them against an *Error (by status) and an *AnswerError (by answer code).
var (
	// ErrNotFound: no such route, registration or resume ID.
	ErrNotFound = errors.New("prana: not found")
	// ErrInvalidURL: a webhook URL that does not parse (400 invalid_webhook_url).
	ErrInvalidURL = errors.New("prana: invalid webhook URL")
	// ErrInvalidSignature: a resume URL's ?sig= or a Standard Webhooks
	// signature did not verify.
	ErrInvalidSignature = errors.New("prana: invalid signature")
	// ErrNotActive: the registration is not active (its wait node was not
	// reached yet), or the transition is not allowed from its state.
	ErrNotActive = errors.New("prana: wait node not active")
	// ErrExpired: the registration expired.
	ErrExpired = errors.New("prana: webhook expired")
	// ErrAlreadyUsed: the registration was consumed already (exactly once).
	ErrAlreadyUsed = errors.New("prana: webhook already used")
	// ErrMethodNotAllowed: the HTTP method is not allowed on the route.
	ErrMethodNotAllowed = errors.New("prana: method not allowed")
	// ErrPayloadTooLarge: the request body is over the limit.
	ErrPayloadTooLarge = errors.New("prana: payload too large")
	// ErrBufferTooSmall: an output did not fit (the binding retries once
	// with the size the library asked for, so callers rarely see it).
	ErrBufferTooSmall = errors.New("prana: buffer too small")
	// ErrClosed: a method was called on a handle after Close.
	ErrClosed = errors.New("prana: handle is closed")
	// ErrNotApplied: Resume or Cancel was given a transition other than the
	// active → consumed of the registration the execution waits on, Expire
	// one other than its active → expired, or Execution.Extend an extension
	// that is not the move of its current expiry.
	ErrNotApplied = errors.New("prana: transition not applied by the host")
	// ErrWorkflowMismatch: the execution was started with another
	// definition of the workflow.
	ErrWorkflowMismatch = errors.New("prana: workflow mismatch")
	// ErrExtendNotLater: an extend would not move the expiry later (422).
	ErrExtendNotLater = errors.New("prana: extend not later")
	// ErrExtendBeyondLimit: an extend would move the expiry past the
	// 8760-hour limit (422).
	ErrExtendBeyondLimit = errors.New("prana: extend beyond limit")
	// ErrInvalidExtend: an extend body that is not {"timeout_hours": n}.
	ErrInvalidExtend = errors.New("prana: invalid extend request")
	// ErrFormInvalid: a form submission the wait's page refuses (a required
	// field missing, not a number, not an option, …): answer 422 with the
	// page rendered again.
	ErrFormInvalid = errors.New("prana: form submission refused")
	// ErrCapacityExceeded: a value over a capacity (for example a payload
	// over the execution's WithMaxPayload); the message names the limit
	// and the size needed.
	ErrCapacityExceeded = errors.New("prana: capacity exceeded")
)

func sentinelOfStatus(s Status) error {
	switch s {
	case StatusExecutionUnknownResumeID, StatusKeyNotFound, StatusHTTPHeaderNotFound:
		return ErrNotFound
	case StatusNotWebhookPath, StatusUnknownKind, StatusEmptyID, StatusIDTooLong,
		StatusIDBadCharacter, StatusExtraSegments, StatusPercentEncoded, StatusMalformedTarget:
		return ErrInvalidURL
	case StatusInvalidSignature, StatusSignatureMissing, StatusSignatureDuplicated,
		StatusSignatureMalformed, StatusSignatureTruncated, StatusSignatureWrongLength,
		StatusSignatureUnknownKey, StatusSignatureMismatch, StatusWebhookTimestampInvalid,
		StatusWebhookTimestampTooOld, StatusWebhookTimestampTooNew, StatusWebhookSignatureNoV1,
		StatusWebhookSignatureBase64, StatusWebhookSignatureMismatch:
		return ErrInvalidSignature
	case StatusInvalidTransition, StatusExecutionNotSuspended, StatusExecutionNotWaitingHere,
		StatusRegistrationNotActive:
		return ErrNotActive
	case StatusRegistrationExpired:
		return ErrExpired
	case StatusAlreadyConsumed:
		return ErrAlreadyUsed
	case StatusBufferTooSmall:
		return ErrBufferTooSmall
	case StatusExecutionNotApplied:
		return ErrNotApplied
	case StatusExtendNotLater:
		return ErrExtendNotLater
	case StatusExtendBeyondLimit:
		return ErrExtendBeyondLimit
	case StatusCapacityExceeded:
		return ErrCapacityExceeded
	}
	if s >= StatusFormConfigInvalid && s <= StatusFormBadDecision {
		return ErrFormInvalid
	}
	if s == StatusExecutionWorkflowMismatch {
		return ErrWorkflowMismatch
	}
	return nil
}

// call runs one C function with a prana_error of its own (the C ABI keeps
// no thread-local state, so any goroutine on any thread may call) and turns
// a failure into an *Error with the library's detail message.
func call(f func(perr *C.prana_error) C.prana_status) error {
	e := errorPool.Get().(*C.prana_error)
	defer errorPool.Put(e)
	st := f(e)
	if st == C.PRANA_STATUS_OK {
		return nil
	}
	s := Status(st)
	return &Error{Status: s, Code: s.Code(), Message: errorMessage(e)}
}

// errorPool recycles the 272-byte prana_error of each call (it escapes to
// the heap through cgo).
var errorPool = sync.Pool{New: func() any { return new(C.prana_error) }}

// errorMessage is the detail of a failed call. A detail longer than the
// C struct holds arrives cut: the message says so and gives its length.
func errorMessage(e *C.prana_error) string {
	msg := C.GoString(&e.message[0])
	if full := int(e.message_len); full >= C.PRANA_ERROR_BUF_SIZE {
		msg = fmt.Sprintf("%s... (detail cut to %d of %d bytes)", msg, len(msg), full)
	}
	return msg
}

// closedErr is the error of a call on a closed handle.
func closedErr(what string) error {
	return fmt.Errorf("%w (%s)", ErrClosed, what)
}

// cstr is a C view (ptr, len) of a copy of s, kept alive by the caller
// through the value. Empty strings are (NULL, 0).
type cstr struct {
	b []byte
}

func newCstr(s string) cstr {
	if s == "" {
		return cstr{}
	}
	return cstr{b: []byte(s)}
}

func newCbytes(b []byte) cstr {
	if len(b) == 0 {
		return cstr{}
	}
	return cstr{b: append([]byte(nil), b...)}
}

func (c cstr) ptr() *C.char {
	if len(c.b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&c.b[0]))
}

func (c cstr) len() C.size_t { return C.size_t(len(c.b)) }

func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// outBytes calls f with a buffer, growing it once on BUFFER_TOO_SMALL.
func outBytes(size int, f func(buf *C.char, n C.size_t, outLen *C.size_t, perr *C.prana_error) C.prana_status) ([]byte, error) {
	if size < 1 {
		size = 1
	}
	buf := make([]byte, size)
	for attempt := 0; ; attempt++ {
		var n C.size_t
		err := call(func(perr *C.prana_error) C.prana_status {
			return f((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n, perr)
		})
		if e, ok := err.(*Error); ok && e.Status == StatusBufferTooSmall && attempt == 0 && int(n) > len(buf) {
			buf = make([]byte, int(n))
			continue
		}
		if err != nil {
			return nil, err
		}
		return buf[:int(n):int(n)], nil
	}
}

func outString(size int, f func(buf *C.char, n C.size_t, outLen *C.size_t, perr *C.prana_error) C.prana_status) (string, error) {
	b, err := outBytes(size, f)
	return string(b), err
}

// millis is t as unix milliseconds for the C ABI (times before 1970 are 0).
func millis(t time.Time) C.uint64_t {
	ms := t.UnixMilli()
	if ms < 0 {
		return 0
	}
	return C.uint64_t(ms)
}

// fromMillis is the time.Time of unix milliseconds (UTC).
func fromMillis(ms uint64) time.Time {
	return time.UnixMilli(int64(ms)).UTC()
}

// durationMillis is d in whole milliseconds for the C ABI (negative is 0).
func durationMillis(d time.Duration) C.uint64_t {
	if d < 0 {
		return 0
	}
	return C.uint64_t(d / time.Millisecond)
}
