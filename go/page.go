package prana

/*
#include "prana_webhook.h"
*/
import "C"

import (
	"encoding/json"
	"net/http"
	"unsafe"
)

// The page of a wait, for people: GET reads (a page for browsers, JSON for
// everything else), POST acts. The library renders and escapes every page
// and decodes form submissions; the host only sends what it gets.

// SecurityHeaders are the headers to send with every page (and with the
// JSON description): a Content-Security-Policy that allows no script, no
// framing and form posts only to the page's origin, and four more.
func SecurityHeaders() []Header {
	var n C.size_t
	p := C.prana_page_security_headers(&n)
	pairs := unsafe.Slice(p, int(n))
	out := make([]Header, 0, len(pairs))
	for _, h := range pairs {
		out = append(out, Header{Name: C.GoString(h.name), Value: C.GoString(h.value)})
	}
	return out
}

// SetSecurityHeaders sets SecurityHeaders on h.
func SetSecurityHeaders(h http.Header) {
	for _, p := range SecurityHeaders() {
		h.Set(p.Name, p.Value)
	}
}

// AcceptsHTML reports whether an Accept header value asks for HTML
// (text/html or application/xhtml+xml without q=0): answer a GET with
// RenderWaitPage then, else with Registration.Describe. Link scanners and
// API clients get JSON.
func AcceptsHTML(accept string) bool {
	if accept == "" {
		return false
	}
	a := newCstr(accept)
	return bool(C.prana_page_accepts_html(a.ptr(), a.len()))
}

// RenderWaitPage renders the page of a wait from its webhook_config
// (Registration.WebhookConfig): title, description and Approve / Reject
// buttons, or the form webhook_config.form describes. Approve and the
// form post to resumeURL; Reject posts to cancelURL, or decision=reject to
// resumeURL when cancelURL is "". submitted is the body of a refused form
// submission (shown with what is wrong, answer 422), nil on a first visit.
// Send it as text/html; charset=utf-8 with SecurityHeaders.
func RenderWaitPage(webhookConfig json.RawMessage, resumeURL, cancelURL string, submitted []byte) ([]byte, error) {
	c, r, k, s := newCbytes(webhookConfig), newCstr(resumeURL), newCstr(cancelURL), newCbytes(submitted)
	return outBytes(8192, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_page_render_wait(c.ptr(), c.len(), r.ptr(), r.len(), k.ptr(), k.len(), s.ptr(), s.len(), b, l, o, perr)
	})
}

// ResultPage names the page shown after a POST.
type ResultPage uint32

// Result pages (their HTTP status in parentheses).
const (
	PageDone          ResultPage = C.PRANA_PAGE_DONE           // 200
	PageRejected      ResultPage = C.PRANA_PAGE_REJECTED       // 200
	PageAlreadyUsed   ResultPage = C.PRANA_PAGE_ALREADY_USED   // 409
	PageExpired       ResultPage = C.PRANA_PAGE_EXPIRED        // 410
	PageNotYetActive  ResultPage = C.PRANA_PAGE_NOT_YET_ACTIVE // 400
	PageBadSignature  ResultPage = C.PRANA_PAGE_BAD_SIGNATURE  // 401
	PageNotFound      ResultPage = C.PRANA_PAGE_NOT_FOUND      // 404
	resultPageInvalid ResultPage = PageNotFound + 1
)

// RenderResultPage renders a result page and gives its HTTP status.
func RenderResultPage(page ResultPage) (html []byte, status int, err error) {
	var st C.uint16_t
	html, err = outBytes(2048, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_page_render_result(C.uint32_t(page), b, l, o, &st, perr)
	})
	return html, int(st), err
}

// ResultPageOf is the result page of a rejected request's answer: 409
// already used, 410 expired, 400 not yet active, 401 bad signature, 404 not
// found. ok is false for answers no result page describes (a bad URL, a
// wrong method, a body too large): answer those as they are.
func ResultPageOf(a HTTPAnswer) (page ResultPage, ok bool) {
	switch a.Code {
	case "webhook_already_used":
		return PageAlreadyUsed, true
	case "webhook_expired":
		return PageExpired, true
	case "wait_node_not_active":
		return PageNotYetActive, true
	case "invalid_signature":
		return PageBadSignature, true
	case "webhook_not_found", "not_found":
		return PageNotFound, true
	}
	return resultPageInvalid, false
}

// DecodeForm decodes an application/x-www-form-urlencoded submission
// against the page the wait's webhook_config describes into a typed JSON
// object, the resume payload: {"approved": true|false} for the Approve /
// Reject page, else one member per form field (numbers, booleans, text).
// A bad submission is an *Error matching ErrFormInvalid that names the
// field: render the page again with the body as submitted (422).
func DecodeForm(webhookConfig json.RawMessage, body []byte) (json.RawMessage, error) {
	c, b := newCbytes(webhookConfig), newCbytes(body)
	out, err := outBytes(len(body)+256, func(buf *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_form_decode(c.ptr(), c.len(), b.ptr(), b.len(), buf, l, o, perr)
	})
	return json.RawMessage(out), err
}
