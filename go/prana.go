// Package prana is the Go binding of libprana_webhook, the C ABI of Prana
// webhook: resume IDs and URLs, request routing and resume decisions, the
// webhook lifecycle, registrations and their JSON form, and an HTTP/1.1
// request-head parser.
//
// The package links the static library from ../target/release (build it
// with `make lib` at the repository root). The host supplies randomness
// (seeds), the clock (now, unix milliseconds) and persistence (it stores
// registration JSON and applies each Transition with compare-and-set).
//
// Every failure is an *Error carrying the C status, its stable code and the
// library's detail message. Handles (IDGenerator, BaseURL, Registration)
// own C memory: call Close when done (a finalizer frees forgotten ones).
package prana

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#cgo LDFLAGS: -L${SRCDIR}/../target/release -l:libprana_webhook.a -lpthread -ldl -lm -lrt -lutil
#include <stdlib.h>
#include "prana_webhook.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Version is the C library's version.
func Version() string { return C.GoString(C.prana_version()) }

// Status is a prana_status number. Numbers are stable; see prana_webhook.h.
type Status uint32

// Statuses (a subset is named; every number has a Code).
const (
	StatusOK               Status = C.PRANA_STATUS_OK
	StatusNullArgument     Status = C.PRANA_STATUS_NULL_ARGUMENT
	StatusInvalidUTF8      Status = C.PRANA_STATUS_INVALID_UTF8
	StatusBufferTooSmall   Status = C.PRANA_STATUS_BUFFER_TOO_SMALL
	StatusPanic            Status = C.PRANA_STATUS_PANIC
	StatusEmbeddedNUL      Status = C.PRANA_STATUS_EMBEDDED_NUL
	StatusInvalidArgument  Status = C.PRANA_STATUS_INVALID_ARGUMENT
	StatusEmptyIDPart      Status = C.PRANA_STATUS_EMPTY_ID_PART
	StatusIDPartTooLong    Status = C.PRANA_STATUS_ID_PART_TOO_LONG
	StatusIDPartBadChar    Status = C.PRANA_STATUS_ID_PART_BAD_CHARACTER
	StatusMissingPrefix    Status = C.PRANA_STATUS_MISSING_WEBHOOK_PREFIX
	StatusBadRandomTail    Status = C.PRANA_STATUS_BAD_RANDOM_TAIL
	StatusMalformedID      Status = C.PRANA_STATUS_MALFORMED_RESUME_ID
	StatusBaseURLScheme    Status = C.PRANA_STATUS_BASE_URL_SCHEME
	StatusBaseURLQuery     Status = C.PRANA_STATUS_BASE_URL_QUERY
	StatusNotWebhookPath   Status = C.PRANA_STATUS_NOT_WEBHOOK_PATH
	StatusUnknownKind      Status = C.PRANA_STATUS_UNKNOWN_KIND
	StatusEmptyID          Status = C.PRANA_STATUS_EMPTY_ID
	StatusIDTooLong        Status = C.PRANA_STATUS_ID_TOO_LONG
	StatusIDBadCharacter   Status = C.PRANA_STATUS_ID_BAD_CHARACTER
	StatusInvalidTransit   Status = C.PRANA_STATUS_INVALID_TRANSITION
	StatusExpired          Status = C.PRANA_STATUS_REGISTRATION_EXPIRED
	StatusUnknownStatus    Status = C.PRANA_STATUS_UNKNOWN_STATUS
	StatusAlreadyConsumed  Status = C.PRANA_STATUS_ALREADY_CONSUMED
	StatusResumeIDMismatch Status = C.PRANA_STATUS_RESUME_ID_MISMATCH
	StatusCapacity         Status = C.PRANA_STATUS_CAPACITY_EXCEEDED
	StatusInvalidJSON      Status = C.PRANA_STATUS_INVALID_JSON
	StatusNotAnObject      Status = C.PRANA_STATUS_NOT_AN_OBJECT
	StatusInvalidSignature Status = C.PRANA_STATUS_INVALID_SIGNATURE
	StatusHTTPIncomplete   Status = C.PRANA_STATUS_HTTP_INCOMPLETE
	StatusHTTPTooMany      Status = C.PRANA_STATUS_HTTP_TOO_MANY_HEADERS
	StatusHTTPMalformed    Status = C.PRANA_STATUS_HTTP_MALFORMED
	StatusHTTPBadFraming   Status = C.PRANA_STATUS_HTTP_BAD_FRAMING

	StatusKeyIDInvalid             Status = C.PRANA_STATUS_KEY_ID_INVALID
	StatusKeyNotFound              Status = C.PRANA_STATUS_KEY_NOT_FOUND
	StatusNoSigningKey             Status = C.PRANA_STATUS_NO_SIGNING_KEY
	StatusSignatureMissing         Status = C.PRANA_STATUS_SIGNATURE_MISSING
	StatusSignatureMismatch        Status = C.PRANA_STATUS_SIGNATURE_MISMATCH
	StatusWebhookSecretPrefix      Status = C.PRANA_STATUS_WEBHOOK_SECRET_PREFIX
	StatusWebhookSignatureMismatch Status = C.PRANA_STATUS_WEBHOOK_SIGNATURE_MISMATCH
	StatusWaitModeInvalid          Status = C.PRANA_STATUS_WAIT_MODE_INVALID
	StatusWorkflowNoNodes          Status = C.PRANA_STATUS_WORKFLOW_NO_NODES
	StatusExecutionNotSuspended    Status = C.PRANA_STATUS_EXECUTION_NOT_SUSPENDED
	StatusExecutionNotDue          Status = C.PRANA_STATUS_EXECUTION_NOT_DUE
	StatusExpressionUnknownNode    Status = C.PRANA_STATUS_EXPRESSION_UNKNOWN_NODE
)

// Code is the stable snake_case code of the status ("id_too_long").
func (s Status) Code() string { return C.GoString(C.prana_status_code(C.uint32_t(s))) }

// String is the status's short description.
func (s Status) String() string { return C.GoString(C.prana_status_str(C.uint32_t(s))) }

// Error is a failed call: its status, the status's code, and the detail
// message of the library (prana_last_error_message).
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

// Is lets errors.Is match on the status: errors.Is(err, &prana.Error{Status: prana.StatusIDTooLong}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status
}

// call runs one C function on a locked OS thread, so the thread-local
// last-error message read on failure belongs to that call.
func call(f func() C.prana_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	st := f()
	if st == C.PRANA_STATUS_OK {
		return nil
	}
	var buf [512]C.char
	var n C.size_t
	msg := ""
	if C.prana_last_error_message(&buf[0], C.size_t(len(buf)), &n) == C.PRANA_STATUS_OK {
		msg = C.GoStringN(&buf[0], C.int(n))
	}
	s := Status(st)
	return &Error{Status: s, Code: s.Code(), Message: msg}
}

// cstr is a C view (ptr, len) of a copy of s, kept alive by the caller
// through the returned slice. Empty strings are (NULL, 0).
type cstr struct {
	b []byte
}

func newCstr(s string) cstr {
	if s == "" {
		return cstr{}
	}
	return cstr{b: []byte(s)}
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

// outString calls f with a buffer, growing it once on BUFFER_TOO_SMALL.
func outString(size int, f func(buf *C.char, n C.size_t, outLen *C.size_t) C.prana_status) (string, error) {
	buf := make([]byte, size)
	for attempt := 0; ; attempt++ {
		var n C.size_t
		err := call(func() C.prana_status {
			return f((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
		})
		if e, ok := err.(*Error); ok && e.Status == StatusBufferTooSmall && attempt == 0 {
			buf = make([]byte, int(n))
			continue
		}
		if err != nil {
			return "", err
		}
		return string(buf[:int(n)]), nil
	}
}
