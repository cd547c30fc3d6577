package prana

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func seed(t *testing.T, b byte) []byte {
	t.Helper()
	return bytes.Repeat([]byte{b}, IDSeedLen)
}

func wantStatus(t *testing.T, err error, want Status) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *prana.Error (want %s)", err, want.Code())
	}
	if e.Status != want {
		t.Fatalf("status %s (%q), want %s", e.Code, e.Message, want.Code())
	}
	if !errors.Is(err, &Error{Status: want}) {
		t.Fatalf("errors.Is does not match status %s", want.Code())
	}
}

func TestVersionAndStatus(t *testing.T) {
	if Version() == "" {
		t.Fatal("empty version")
	}
	if StatusIDTooLong.Code() != "id_too_long" || StatusOK.Code() != "ok" {
		t.Fatal("status codes")
	}
}

func TestIDs(t *testing.T) {
	a, err := NewIDGenerator(seed(t, 7))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, _ := NewIDGenerator(seed(t, 7))
	defer b.Close()
	id1, err := a.ResumeID("exec-1", "wait")
	if err != nil {
		t.Fatal(err)
	}
	id2, _ := b.ResumeID("exec-1", "wait")
	if id1 != id2 || !strings.HasPrefix(id1, "webhook_exec-1_wait_") || len(id1) != len("webhook_exec-1_wait_")+26 {
		t.Fatalf("ids %q %q", id1, id2)
	}
	if err := ValidateResumeID(id1); err != nil {
		t.Fatal(err)
	}

	_, err = a.ResumeID("exe.c", "wait")
	wantStatus(t, err, StatusIDPartBadCharacter)
	if !strings.Contains(err.Error(), "execution_id has a character outside [A-Za-z0-9_-] at byte 3") {
		t.Fatalf("message: %v", err)
	}
	_, err = a.ResumeID(strings.Repeat("x", 10240), "wait")
	wantStatus(t, err, StatusIDPartTooLong)
	_, err = NewIDGenerator([]byte{1, 2, 3})
	wantStatus(t, err, StatusInvalidArgument)
	wantStatus(t, ValidateResumeID("nope"), StatusMissingWebhookPrefix)
	wantStatus(t, ValidateResumeID(""), StatusEmptyID)
	wantStatus(t, ValidateResumeID("webhook_a\x00_b"), StatusEmbeddedNUL)
	wantStatus(t, ValidateResumeID("webhook_\xff"), StatusInvalidUTF8)

	if err := a.Reseed(seed(t, 7)); err != nil {
		t.Fatal(err)
	}
	again, _ := a.ResumeID("exec-1", "wait")
	if again != id1 {
		t.Fatal("reseed did not restart the sequence")
	}
}

func TestURLsAndRoutes(t *testing.T) {
	base, err := NewBaseURL("HTTPS://gw.example.com/hooks/")
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	if base.String() != "https://gw.example.com/hooks" {
		t.Fatal(base.String())
	}
	_, err = NewBaseURL("https://gw/?q")
	wantStatus(t, err, StatusBaseURLQuery)

	trig, _ := base.TriggerURL("approvals")
	if trig != "https://gw.example.com/hooks/webhook/workflow/trigger/approvals" {
		t.Fatal(trig)
	}
	rid := "webhook_exec-1_wait_0123456789abcdefghjkmnpqrs"
	url, err := base.ResumeURL(rid)
	if err != nil || url != "https://gw.example.com/hooks/webhook/workflow/resume/"+rid {
		t.Fatalf("%q %v", url, err)
	}
	_, err = base.ResumeURL("webhook_exec-1_wait_0123")
	wantStatus(t, err, StatusBadRandomTail)
	_, err = base.ResumeURL("")
	wantStatus(t, err, StatusEmptyID)
	r, err := base.ParseTarget(url + "?sig=k1.abc")
	if err != nil || r.Kind != RouteResume || r.ID != rid || !r.HasQuery || r.Query != "sig=k1.abc" {
		t.Fatalf("%+v %v", r, err)
	}
	for kind, want := range map[string]RouteKind{"cancel": RouteCancel, "extend": RouteExtend} {
		r, err := base.ParseTarget("/hooks/webhook/workflow/" + kind + "/" + rid)
		if err != nil || r.Kind != want || r.ID != rid {
			t.Fatalf("%s: %+v %v", kind, r, err)
		}
	}
	_, err = base.ParseTarget("/hooks/webhook/workflow/pause/x")
	wantStatus(t, err, StatusUnknownKind)

	p, err := base.Precheck("POST", "/hooks/webhook/workflow/resume/"+rid, 10, DefaultMaxPayload)
	if err != nil || !p.Accepted || p.Answer.Status != 200 || p.Route.ID != rid {
		t.Fatalf("%+v %v", p, err)
	}
	p, _ = base.Precheck("PUT", "/hooks/webhook/workflow/resume/"+rid, 10, DefaultMaxPayload)
	if p.Accepted || p.Answer.Status != 405 || p.Answer.Code != "method_not_allowed" {
		t.Fatalf("%+v", p)
	}
	p, _ = base.Precheck("POST", "/hooks/webhook/workflow/resume/bad!", 0, 100)
	if p.Accepted || p.Answer.Status != 400 || p.Answer.Cause != StatusIDBadCharacter || p.Answer.Message == "" {
		t.Fatalf("%+v", p)
	}
}

func TestRegistrationLifecycle(t *testing.T) {
	g, _ := NewIDGenerator(seed(t, 1))
	defer g.Close()
	reg, err := CreateRegistration(g, "exec_1", "wait", ms(1000))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	st, err1 := reg.Status()
	eid, err2 := reg.ExecutionID()
	nid, err3 := reg.NodeID()
	created, err4 := reg.CreatedAt()
	if st != Pending || eid != "exec_1" || nid != "wait" || !created.Equal(ms(1000)) ||
		err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		t.Fatal("getters")
	}
	if _, ok, err := reg.ExpiresAt(); ok || err != nil {
		t.Fatal("expires_at before activation")
	}
	_, err = reg.Consume(ms(1500))
	wantStatus(t, err, StatusInvalidTransition)
	if !errors.Is(err, ErrNotActive) || !strings.Contains(err.Error(), "Invalid state transition from pending to consumed") {
		t.Fatal(err)
	}
	rid, _ := reg.ResumeID()
	tr, err := reg.Activate(ms(2000), time.Minute, []byte(`{"channel":"email"}`))
	if err != nil || tr.From != Pending || tr.To != Active || tr.ResumeID != rid {
		t.Fatalf("%+v %v", tr, err)
	}
	if at, ok, err := reg.ExpiresAt(); err != nil || !ok || !at.Equal(ms(62000)) {
		t.Fatal("expires_at")
	}
	if st, _ := reg.StatusAt(ms(62000)); st != Expired {
		t.Fatal("status_at")
	}
	if c, err := reg.WebhookConfig(); err != nil || string(c) != `{"channel":"email"}` {
		t.Fatalf("config %q %v", c, err)
	}

	row, err := reg.JSON()
	if err != nil || !bytes.Contains(row, []byte(`"status":"active"`)) {
		t.Fatalf("%s %v", row, err)
	}
	loaded, err := RegistrationFromJSON(row)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()

	d, err := DecideResume(rid, loaded, ms(3000))
	if err != nil || !d.Resume || d.Transition.From != Active || d.Transition.To != Consumed || d.Answer.Status != 200 || d.Answer.Err() != nil {
		t.Fatalf("%+v %v", d, err)
	}
	if _, err := loaded.Consume(ms(3000)); err != nil {
		t.Fatal(err)
	}
	_, err = loaded.Consume(ms(3001))
	wantStatus(t, err, StatusAlreadyConsumed)
	if !errors.Is(err, ErrAlreadyUsed) || errors.Is(err, ErrExpired) {
		t.Fatalf("sentinel: %v", err)
	}
	d, _ = DecideResume(rid, loaded, ms(3001))
	if d.Resume || d.Answer.Status != 409 || d.Answer.Code != "webhook_already_used" || !errors.Is(d.Answer.Err(), ErrAlreadyUsed) {
		t.Fatalf("%+v", d)
	}
	// Losing the compare-and-set gets the same answer as a consumed row.
	if a := LostRaceAnswer(); a != d.Answer || a.Message == "" || !errors.Is(a.Err(), ErrAlreadyUsed) {
		t.Fatalf("%+v, want %+v", a, d.Answer)
	}
	d, _ = DecideResume(rid, nil, ms(3001))
	if d.Answer.Status != 404 || !errors.Is(d.Answer.Err(), ErrNotFound) {
		t.Fatalf("%+v", d)
	}
	// Expired by the clock: 410, ErrExpired.
	reg2, _ := CreateRegistration(g, "exec_1", "wait", ms(1000))
	defer reg2.Close()
	rid2, _ := reg2.ResumeID()
	if _, err := reg2.Activate(ms(1000), time.Second, nil); err != nil {
		t.Fatal(err)
	}
	d, _ = DecideResume(rid2, reg2, ms(2000))
	if d.Resume || d.Answer.Status != 410 || !errors.Is(d.Answer.Err(), ErrExpired) {
		t.Fatalf("%+v", d)
	}
	// Closed handles report ErrClosed instead of a value.
	reg2.Close()
	if _, err := reg2.Status(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}

	_, err = RegistrationFromJSON([]byte("[]"))
	wantStatus(t, err, StatusNotAnObject)
	_, err = NewRegistration("webhook_e1_n1_00000000000000000000000000", "e1", "n2", ms(0))
	wantStatus(t, err, StatusResumeIDMismatch)

	if err := CheckTransition(Consumed, Active); err == nil {
		t.Fatal("consumed -> active allowed")
	}
	if s, err := ParseLifecycleStatus("expired"); err != nil || s != Expired || s.String() != "expired" {
		t.Fatal("parse status")
	}
}

func TestHTTP(t *testing.T) {
	raw := []byte("POST /webhook/workflow/trigger/wf HTTP/1.1\r\nHost: a\r\nWebhook-Id: msg_1\r\nContent-Length: 2\r\n\r\n{}")
	r, err := ParseHTTPRequest(raw)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.Target != "/webhook/workflow/trigger/wf" || r.ContentLength != 2 || !r.KeepAlive {
		t.Fatalf("%+v", r)
	}
	if v, ok := r.Header("webhook-id"); !ok || v != "msg_1" {
		t.Fatal("header lookup")
	}
	if string(raw[r.HeadLen:]) != "{}" {
		t.Fatal("head_len")
	}
	_, err = ParseHTTPRequest(raw[:20])
	wantStatus(t, err, StatusHTTPIncomplete)
	_, err = ParseHTTPRequest([]byte("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"))
	wantStatus(t, err, StatusHTTPBadFraming)
}

// Each goroutine owns a generator; error messages stay with their call.
func TestConcurrentUse(t *testing.T) {
	base, _ := NewBaseURL("http://127.0.0.1:8080")
	defer base.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := make([]byte, IDSeedLen)
			_, _ = rand.Read(s)
			g, err := NewIDGenerator(s)
			if err != nil {
				errs <- err
				return
			}
			defer g.Close()
			for j := 0; j < 200; j++ {
				id, err := g.ResumeID("exec", "node")
				if err != nil {
					errs <- err
					return
				}
				if _, err := base.ResumeURL(id); err != nil {
					errs <- err
					return
				}
				_, err = g.ResumeID("bad id", "node")
				var e *Error
				if !errors.As(err, &e) || !strings.HasPrefix(e.Message, "execution_id") {
					errs <- errors.New("wrong error message across goroutines")
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// The detail of a failure belongs to its call, whatever thread a goroutine
// runs on: each goroutine's bad byte is at its own position.
func TestErrorDetailIsPerCall(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			g, err := NewIDGenerator(bytes.Repeat([]byte{byte(i)}, IDSeedLen))
			if err != nil {
				errs <- err
				return
			}
			defer g.Close()
			exec := strings.Repeat("e", i) + "."
			want := fmt.Sprintf("execution_id has a character outside [A-Za-z0-9_-] at byte %d", i)
			for j := 0; j < 300; j++ {
				_, err := g.ResumeID(exec, "node")
				var e *Error
				if !errors.As(err, &e) || e.Status != StatusIDPartBadCharacter || !strings.HasPrefix(e.Message, want) {
					errs <- fmt.Errorf("goroutine %d got %v, want %q", i, err, want)
					return
				}
				runtime.Gosched()
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestResumeURLInOneCall(t *testing.T) {
	base, err := NewBaseURL("https://gw.example.com/hooks/")
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	a, _ := NewIDGenerator(seed(t, 9))
	defer a.Close()
	b, _ := NewIDGenerator(seed(t, 9))
	defer b.Close()
	for _, parts := range [][2]string{{"exec-1", "wait"}, {"e", "n"}, {strings.Repeat("x", 64), strings.Repeat("y_", 32)}} {
		id, url, err := a.ResumeURL(base, parts[0], parts[1])
		if err != nil {
			t.Fatal(err)
		}
		wantID, _ := b.ResumeID(parts[0], parts[1])
		wantURL, _ := base.ResumeURL(wantID)
		if id != wantID || url != wantURL {
			t.Fatalf("one call gave %q %q, two calls %q %q", id, url, wantID, wantURL)
		}
		if url != "https://gw.example.com/hooks/webhook/workflow/resume/"+id {
			t.Fatalf("url %q", url)
		}
		r, err := base.ParseTarget(url)
		if err != nil || r.Kind != RouteResume || r.ID != id {
			t.Fatalf("route %+v %v", r, err)
		}
	}
	// A bad part fails with its status and draws nothing.
	_, _, err = a.ResumeURL(base, "exe.c", "wait")
	wantStatus(t, err, StatusIDPartBadCharacter)
	_, _, err = a.ResumeURL(base, "exec", "")
	wantStatus(t, err, StatusEmptyIDPart)
	_, _, err = a.ResumeURL(base, "exec", "w\x00")
	wantStatus(t, err, StatusEmbeddedNUL)
	_, _, err = a.ResumeURL(base, "exec", "w\xff")
	wantStatus(t, err, StatusInvalidUTF8)
	id1, _, _ := a.ResumeURL(base, "exec", "wait")
	id2, _, _ := b.ResumeURL(base, "exec", "wait")
	if id1 != id2 {
		t.Fatalf("a failed call advanced the generator: %q %q", id1, id2)
	}
}

func TestPrecheckRequest(t *testing.T) {
	base, _ := NewBaseURL("https://gw.example.com/hooks")
	defer base.Close()
	req := httptest.NewRequest("POST", "/hooks/webhook/workflow/resume/webhook_e1_wait_0123456789abcdefghjkmnpqrs?sig=k1.x&a=1", strings.NewReader("{}"))
	p, err := base.PrecheckRequest(req, 100)
	if err != nil || !p.Accepted || p.Route.Kind != RouteResume || p.Route.ID != "webhook_e1_wait_0123456789abcdefghjkmnpqrs" || p.Route.Query != "sig=k1.x&a=1" {
		t.Fatalf("%+v %v", p, err)
	}
	req = httptest.NewRequest("POST", "/hooks/webhook/workflow/trigger/approval", strings.NewReader(strings.Repeat("x", 101)))
	p, _ = base.PrecheckRequest(req, 100)
	if p.Accepted || p.Answer.Status != 413 || !errors.Is(p.Answer.Err(), ErrPayloadTooLarge) {
		t.Fatalf("%+v", p)
	}
	req = httptest.NewRequest("DELETE", "/hooks/webhook/workflow/trigger/approval", nil)
	p, _ = base.PrecheckRequest(req, 100)
	if p.Accepted || p.Answer.Status != 405 || !errors.Is(p.Answer.Err(), ErrMethodNotAllowed) {
		t.Fatalf("%+v", p)
	}
	req = httptest.NewRequest("POST", "/other", nil)
	p, _ = base.PrecheckRequest(req, 100)
	if p.Accepted || p.Answer.Status != 404 || !errors.Is(p.Answer.Err(), ErrNotFound) {
		t.Fatalf("%+v", p)
	}
}
