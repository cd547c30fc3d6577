package prana

/*
#include "prana_webhook.h"
*/
import "C"

import (
	"net/http"
	"runtime"
	"time"
)

// SignaturePolicy says how strictly resume URLs are checked.
type SignaturePolicy uint32

// Signature policies.
const (
	SignatureRequired SignaturePolicy = C.PRANA_SIGNATURE_REQUIRED
	SignatureOptional SignaturePolicy = C.PRANA_SIGNATURE_OPTIONAL
	SignatureOff      SignaturePolicy = C.PRANA_SIGNATURE_OFF
)

// VerifiedBy says how a resume request passed the signature check.
type VerifiedBy uint32

// Ways to pass.
const (
	VerifiedNone       VerifiedBy = C.PRANA_VERIFIED_NONE
	VerifiedKey        VerifiedBy = C.PRANA_VERIFIED_KEY
	VerifiedUnsigned   VerifiedBy = C.PRANA_VERIFIED_UNSIGNED
	VerifiedNotChecked VerifiedBy = C.PRANA_VERIFIED_NOT_CHECKED
)

// StandardWebhooksTolerance is the suggested timestamp tolerance.
const StandardWebhooksTolerance = C.PRANA_STANDARD_WEBHOOKS_TOLERANCE_SECS * time.Second

// KeySet signs and verifies resume URLs (?sig={key_id}.{mac}). Reads
// (Sign, Verify) are safe for concurrent use; guard Add/SetCurrent/Remove.
type KeySet struct {
	p *C.prana_key_set
}

// NewKeySet makes an empty key set.
func NewKeySet() (*KeySet, error) {
	var p *C.prana_key_set
	if err := call(func(perr *C.prana_error) C.prana_status { return C.prana_key_set_new(&p, perr) }); err != nil {
		return nil, err
	}
	k := &KeySet{p: p}
	runtime.SetFinalizer(k, (*KeySet).Close)
	return k, nil
}

// Close frees the key set; calling it twice is harmless.
func (k *KeySet) Close() error {
	if k.p != nil {
		C.prana_key_set_free(k.p)
		k.p = nil
	}
	return nil
}

// Add adds a key (id: 1-8 of [a-z0-9]; secret: at least 16 bytes). The
// first key signs.
func (k *KeySet) Add(keyID string, secret []byte) error {
	defer runtime.KeepAlive(k)
	id := newCstr(keyID)
	s := append([]byte(nil), secret...)
	return call(func(perr *C.prana_error) C.prana_status {
		return C.prana_key_set_add(k.p, id.ptr(), id.len(), bytesPtr(s), C.size_t(len(s)), perr)
	})
}

// SetCurrent makes keyID the signing key.
func (k *KeySet) SetCurrent(keyID string) error {
	defer runtime.KeepAlive(k)
	id := newCstr(keyID)
	return call(func(perr *C.prana_error) C.prana_status {
		return C.prana_key_set_set_current(k.p, id.ptr(), id.len(), perr)
	})
}

// Remove revokes keyID.
func (k *KeySet) Remove(keyID string) error {
	defer runtime.KeepAlive(k)
	id := newCstr(keyID)
	return call(func(perr *C.prana_error) C.prana_status { return C.prana_key_set_remove(k.p, id.ptr(), id.len(), perr) })
}

// Len is the number of keys (0 after Close).
func (k *KeySet) Len() int {
	defer runtime.KeepAlive(k)
	if k.p == nil {
		return 0
	}
	var n C.size_t
	if err := call(func(perr *C.prana_error) C.prana_status { return C.prana_key_set_len(k.p, &n, perr) }); err != nil {
		return 0 // only a NULL argument fails, and k.p is not NULL
	}
	return int(n)
}

// Sign gives the sig value {key_id}.{mac} of a resume ID for one action:
// RouteResume, RouteCancel or RouteExtend, each signed in its own domain
// (a resume URL's signature does not open its cancel URL).
func (k *KeySet) Sign(action RouteKind, resumeID string) (string, error) {
	defer runtime.KeepAlive(k)
	r := newCstr(resumeID)
	return outString(64, func(b *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_key_set_sign(k.p, C.uint32_t(action), r.ptr(), r.len(), b, l, o, perr)
	})
}

// SignedResumeURL is the resume URL of an existing resume ID with
// ?sig={key_id}.{mac} from the current key appended (what an execution
// started with k renders).
func (k *KeySet) SignedResumeURL(base *BaseURL, resumeID string) (string, error) {
	return k.SignedURL(base, RouteResume, resumeID)
}

// SignedURL is the resume, cancel or extend URL (action) of an existing
// resume ID with its signature appended.
func (k *KeySet) SignedURL(base *BaseURL, action RouteKind, resumeID string) (string, error) {
	defer runtime.KeepAlive(k)
	if k.p == nil {
		return "", closedErr("KeySet.SignedURL")
	}
	return base.actionURL("KeySet.SignedURL", k.p, action, resumeID)
}

// SignatureCheck is the result of Verify.
type SignatureCheck struct {
	Accepted   bool
	VerifiedBy VerifiedBy
	KeyID      string
	Answer     HTTPAnswer // 401 invalid_signature with Cause the reason when rejected
}

// Verify checks the sig parameter of a resume, cancel or extend request
// (action: the route's Kind; query without '?'). A failed check is a
// result, not an error.
func (k *KeySet) Verify(action RouteKind, policy SignaturePolicy, resumeID, query string) (SignatureCheck, error) {
	defer runtime.KeepAlive(k)
	r, q := newCstr(resumeID), newCstr(query)
	var c C.prana_signature_check
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_signature_verify(k.p, C.uint32_t(action), C.uint32_t(policy), r.ptr(), r.len(), q.ptr(), q.len(), &c, perr)
	})
	if err != nil {
		return SignatureCheck{}, err
	}
	return SignatureCheck{
		Accepted:   bool(c.accepted),
		VerifiedBy: VerifiedBy(c.verified_by),
		KeyID:      C.GoString(&c.key_id[0]),
		Answer:     answerFrom(&c.answer),
	}, nil
}

// WebhookSecret is a Standard Webhooks secret. Safe for concurrent use.
type WebhookSecret struct {
	p *C.prana_webhook_secret
}

func wrapSecret(p *C.prana_webhook_secret) *WebhookSecret {
	s := &WebhookSecret{p: p}
	runtime.SetFinalizer(s, (*WebhookSecret).Close)
	return s
}

// NewWebhookSecret parses a whsec_... secret.
func NewWebhookSecret(whsec string) (*WebhookSecret, error) {
	w := newCstr(whsec)
	var p *C.prana_webhook_secret
	if err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_webhook_secret_new(w.ptr(), w.len(), &p, perr)
	}); err != nil {
		return nil, err
	}
	return wrapSecret(p), nil
}

// WebhookSecretFromBytes uses 1-64 raw key bytes.
func WebhookSecretFromBytes(key []byte) (*WebhookSecret, error) {
	k := append([]byte(nil), key...)
	var p *C.prana_webhook_secret
	if err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_webhook_secret_from_bytes(bytesPtr(k), C.size_t(len(k)), &p, perr)
	}); err != nil {
		return nil, err
	}
	return wrapSecret(p), nil
}

// Close frees the secret; calling it twice is harmless.
func (s *WebhookSecret) Close() error {
	if s.p != nil {
		C.prana_webhook_secret_free(s.p)
		s.p = nil
	}
	return nil
}

// Verify checks a Standard Webhooks request (header values and raw body)
// at now, allowing tolerance between its timestamp and now, and returns
// its timestamp.
func (s *WebhookSecret) Verify(msgID, timestamp string, body []byte, signature string, now time.Time, tolerance time.Duration) (time.Time, error) {
	defer runtime.KeepAlive(s)
	if s.p == nil {
		return time.Time{}, closedErr("WebhookSecret.Verify")
	}
	id, ts, sig := newCstr(msgID), newCstr(timestamp), newCstr(signature)
	b := newCbytes(body)
	var out C.int64_t
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_webhook_secret_verify(s.p, id.ptr(), id.len(), ts.ptr(), ts.len(),
			bytesPtr(b.b), C.size_t(len(b.b)), sig.ptr(), sig.len(), millis(now),
			C.uint64_t(tolerance/time.Second), &out, perr)
	})
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(int64(out), 0).UTC(), nil
}

// VerifyRequest is Verify with the webhook-id, webhook-timestamp and
// webhook-signature headers of r and its body (already read).
func (s *WebhookSecret) VerifyRequest(r *http.Request, body []byte, now time.Time, tolerance time.Duration) (time.Time, error) {
	return s.Verify(r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), body,
		r.Header.Get("webhook-signature"), now, tolerance)
}

// Sign gives the webhook-signature value v1,<base64> (for testing senders).
func (s *WebhookSecret) Sign(msgID string, timestamp time.Time, body []byte) (string, error) {
	defer runtime.KeepAlive(s)
	if s.p == nil {
		return "", closedErr("WebhookSecret.Sign")
	}
	id := newCstr(msgID)
	b := newCbytes(body)
	return outString(64, func(buf *C.char, l C.size_t, o *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_webhook_secret_sign(s.p, id.ptr(), id.len(), C.int64_t(timestamp.Unix()),
			bytesPtr(b.b), C.size_t(len(b.b)), buf, l, o, perr)
	})
}
