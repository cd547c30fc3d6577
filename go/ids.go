package prana

/*
#include "prana_webhook.h"
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Sizes from the C header.
const (
	IDSeedLen         = C.PRANA_ID_SEED_LEN
	EntropyLen        = C.PRANA_ENTROPY_LEN
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

// GenerateResumeID makes the resume ID webhook_{executionID}_{nodeID}_{tail}
// whose 26-character tail is the host's EntropyLen bytes of entropy (a
// 128-bit big-endian number in lowercase Crockford base32, the alphabet of
// every resume ID), without a generator. The parts are checked as
// IDGenerator.ResumeID checks them and the result with ValidateResumeID.
// Never derive the entropy from a clock or a counter.
func GenerateResumeID(executionID, nodeID string, entropy []byte) (string, error) {
	if len(entropy) != EntropyLen {
		s := StatusInvalidArgument
		return "", &Error{Status: s, Code: s.Code(), Message: fmt.Sprintf(
			"entropy is %d bytes long; exactly %d are required", len(entropy), EntropyLen)}
	}
	if err := checkIDParts(executionID, nodeID); err != nil {
		return "", err
	}
	hi := binary.BigEndian.Uint64(entropy[:8])
	lo := binary.BigEndian.Uint64(entropy[8:])
	var tail [26]byte
	// Digit i (from the right) is bits 5i..5i+5 of the 128-bit number.
	for i := 0; i < len(tail); i++ {
		tail[len(tail)-1-i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	id := "webhook_" + executionID + "_" + nodeID + "_" + string(tail[:])
	if err := ValidateResumeID(id); err != nil {
		return "", err
	}
	return id, nil
}

const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// partsChecker is a generator that never draws: checkIDParts only asks it
// for the size of an ID.
var partsChecker struct {
	sync.Mutex
	g *C.prana_id_generator
}

// checkIDParts checks an execution id and a node id as the library checks
// them for a new resume ID (same statuses and messages): a size query of
// prana_resume_url_create, which draws nothing from its generator.
func checkIDParts(executionID, nodeID string) error {
	partsChecker.Lock()
	defer partsChecker.Unlock()
	if partsChecker.g == nil {
		var seed [IDSeedLen]byte
		var g *C.prana_id_generator
		err := call(func(perr *C.prana_error) C.prana_status {
			return C.prana_id_generator_new(bytesPtr(seed[:]), C.size_t(len(seed)), &g, perr)
		})
		if err != nil {
			return err
		}
		partsChecker.g = g
	}
	e, n := newCstr(executionID), newCstr(nodeID)
	var need C.size_t
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_resume_url_create(partsChecker.g, nil, nil, e.ptr(), e.len(), n.ptr(), n.len(),
			nil, 0, &need, nil, 0, nil, perr)
	})
	if errors.Is(err, StatusBufferTooSmall.Err()) {
		return nil
	}
	return err
}

// ValidateResumeID checks the syntax of a resume ID.
func ValidateResumeID(id string) error {
	s := newCstr(id)
	return call(func(perr *C.prana_error) C.prana_status { return C.prana_resume_id_validate(s.ptr(), s.len(), perr) })
}
