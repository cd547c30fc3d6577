package prana

/*
#include "prana_webhook.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Sizes from the C header.
const (
	IDSeedLen         = C.PRANA_ID_SEED_LEN
	MaxResumeIDLen    = C.PRANA_MAX_RESUME_ID_LEN
	MaxURLLen         = C.PRANA_MAX_URL_LEN
	DefaultMaxPayload = C.PRANA_DEFAULT_MAX_PAYLOAD
)

// IDGenerator makes resume IDs from a ChaCha12 CSPRNG seeded once with 32
// bytes of host entropy (use crypto/rand). It is not safe for concurrent
// use: give each goroutine its own or guard it with a mutex. Reseed in a
// forked child.
type IDGenerator struct {
	p *C.prana_id_generator
}

// NewIDGenerator seeds a generator with exactly IDSeedLen bytes.
func NewIDGenerator(seed []byte) (*IDGenerator, error) {
	var p *C.prana_id_generator
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_id_generator_new(bytesPtr(seed), C.size_t(len(seed)), &p, perr)
	})
	if err != nil {
		return nil, err
	}
	g := &IDGenerator{p: p}
	runtime.SetFinalizer(g, (*IDGenerator).Close)
	return g, nil
}

// Close frees the generator; calling it twice is harmless.
func (g *IDGenerator) Close() error {
	if g.p != nil {
		C.prana_id_generator_free(g.p)
		g.p = nil
	}
	return nil
}

// Reseed replaces the generator's state with a fresh seed.
func (g *IDGenerator) Reseed(seed []byte) error {
	defer runtime.KeepAlive(g)
	return call(func(perr *C.prana_error) C.prana_status {
		return C.prana_id_generator_reseed(g.p, bytesPtr(seed), C.size_t(len(seed)), perr)
	})
}

// ResumeID makes webhook_{executionID}_{nodeID}_{random}.
func (g *IDGenerator) ResumeID(executionID, nodeID string) (string, error) {
	defer runtime.KeepAlive(g)
	if g.p == nil {
		return "", closedErr("IDGenerator.ResumeID")
	}
	e, n := newCstr(executionID), newCstr(nodeID)
	var buf [C.PRANA_RESUME_ID_BUF_SIZE]byte
	var idLen C.size_t
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_resume_url_create(g.p, nil, nil, e.ptr(), e.len(), n.ptr(), n.len(),
			(*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &idLen, nil, 0, nil, perr)
	})
	if err != nil {
		return "", err
	}
	return string(buf[:int(idLen)]), nil
}

// ResumeURL makes a fresh resume ID for nodeID in executionID and its resume
// URL under base ({base}/webhook/workflow/resume/{id}) in one C call
// (prana_resume_url_create): the same ID and URL as ResumeID followed by
// BaseURL.ResumeURL, without parsing the ID back. On error nothing is drawn
// from the generator.
func (g *IDGenerator) ResumeURL(base *BaseURL, executionID, nodeID string) (id, url string, err error) {
	defer runtime.KeepAlive(g)
	defer runtime.KeepAlive(base)
	if g.p == nil || base.p == nil {
		return "", "", closedErr("IDGenerator.ResumeURL")
	}
	e, n := newCstr(executionID), newCstr(nodeID)
	// One Go buffer for both outputs; the documented sizes always suffice.
	var buf [C.PRANA_RESUME_ID_BUF_SIZE + C.PRANA_URL_BUF_SIZE]byte
	idBuf := (*C.char)(unsafe.Pointer(&buf[0]))
	urlBuf := (*C.char)(unsafe.Pointer(&buf[C.PRANA_RESUME_ID_BUF_SIZE]))
	var idLen, urlLen C.size_t
	err = call(func(perr *C.prana_error) C.prana_status {
		return C.prana_resume_url_create(g.p, base.p, nil, e.ptr(), e.len(), n.ptr(), n.len(),
			idBuf, C.PRANA_RESUME_ID_BUF_SIZE, &idLen, urlBuf, C.PRANA_URL_BUF_SIZE, &urlLen, perr)
	})
	if err != nil {
		return "", "", err
	}
	id = string(buf[:int(idLen)])
	url = string(buf[C.PRANA_RESUME_ID_BUF_SIZE : C.PRANA_RESUME_ID_BUF_SIZE+int(urlLen)])
	return id, url, nil
}

// ValidateResumeID checks the syntax of a resume ID.
func ValidateResumeID(id string) error {
	s := newCstr(id)
	return call(func(perr *C.prana_error) C.prana_status { return C.prana_resume_id_validate(s.ptr(), s.len(), perr) })
}
