package pgtest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	prana "example.invalid/prana-webhook/go"
	"example.invalid/prana-webhook/go/webhookhttp"
	_ "github.com/lib/pq"
)

const approval = `{"id": "approval", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "notify", "type": "log", "params": {"text": "approve at {{ $execution.wait_approval.resume_url }}"}},
  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
  {"key": "done", "type": "log"},
  {"key": "escalate", "type": "log"},
  {"key": "rejected", "type": "log"}],
 "connections": [{"from": "trigger", "to": "notify"}, {"from": "notify", "to": "wait_approval"},
                 {"from": "wait_approval", "port": "main", "to": "done"},
                 {"from": "wait_approval", "port": "timeout", "to": "escalate"},
                 {"from": "wait_approval", "port": "cancel", "to": "rejected"}]}`

var dsn = os.Getenv("PRANA_TEST_POSTGRES_DSN")

func TestMain(m *testing.M) {
	if dsn == "" {
		fmt.Fprintln(os.Stderr, "PRANA_TEST_POSTGRES_DSN is not set: run scripts/test-go.sh, which starts a throwaway PostgreSQL")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// openDB opens a connection pool of its own and migrates the schema.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	t.Cleanup(func() { db.Close() })
	if err := webhookhttp.NewSQLStore(db).Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

type clock struct{ ms atomic.Int64 }

func (c *clock) now() time.Time      { return time.UnixMilli(c.ms.Load()) }
func (c *clock) add(d time.Duration) { c.ms.Add(int64(d / time.Millisecond)) }

// node counts the nodes the handlers ran, by node id.
type nodes struct {
	mu  sync.Mutex
	ran map[string]int
}

func (n *nodes) log(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
	n.mu.Lock()
	n.ran[c.NodeID]++
	n.mu.Unlock()
	return prana.NodeResult{Output: c.Input}, nil
}

func (n *nodes) count(id string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ran[id]
}

// server is one process's view: its own pool, store, handler and listener.
type server struct {
	h     *webhookhttp.Handler
	store *webhookhttp.SQLStore
	srv   *httptest.Server
}

// env is a deployment: one clock, one key set, one workflow, any number of
// servers sharing the database.
type env struct {
	t     *testing.T
	clock *clock
	keys  *prana.KeySet
	wf    *prana.Workflow
	base  *prana.BaseURL
	nodes *nodes
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, clock: &clock{}, nodes: &nodes{ran: map[string]int{}}}
	e.clock.ms.Store(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC).UnixMilli())
	var err error
	if e.keys, err = prana.NewKeySet(); err != nil {
		t.Fatal(err)
	}
	if err := e.keys.Add("k1", []byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	if e.wf, err = prana.NewWorkflow([]byte(approval)); err != nil {
		t.Fatal(err)
	}
	// Resume URLs name the first server; the others are reached by
	// swapping the host (a load balancer's job in production).
	if e.base, err = prana.NewBaseURL("http://prana.test"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.keys.Close(); e.wf.Close(); e.base.Close() })
	return e
}

func (e *env) server() *server { return e.serverMax(4096) }

// serverMax is a server with a body limit (0: the default, 1 MiB).
func (e *env) serverMax(maxPayload int64) *server {
	t := e.t
	store := webhookhttp.NewSQLStore(openDB(t))
	h, err := webhookhttp.New(webhookhttp.Config{BaseURL: e.base, Store: store, Keys: e.keys,
		MaxPayload: maxPayload, Now: e.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	h.AddWorkflow(e.wf)
	h.HandleNode("log", e.nodes.log)
	s := &server{h: h, store: store, srv: httptest.NewServer(h)}
	t.Cleanup(func() { s.srv.Close(); h.Close() })
	return s
}

// at rewrites a URL under the base onto this server.
func (s *server) at(url string) string {
	return s.srv.URL + strings.TrimPrefix(url, "http://prana.test")
}

func post(t *testing.T, url, body string) (int, map[string]json.RawMessage) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%d %q: %v", resp.StatusCode, raw, err)
	}
	return resp.StatusCode, m
}

func str(m map[string]json.RawMessage, k string) string {
	var s string
	_ = json.Unmarshal(m[k], &s)
	return s
}

func (s *server) trigger(t *testing.T) (execID, resumeURL string) {
	t.Helper()
	u := s.start(t)
	return u.exec, u.resume
}

// waitURLs are the URLs a trigger answers for the wait node.
type waitURLs struct{ exec, resume, cancel, extend string }

func (s *server) start(t *testing.T) waitURLs {
	t.Helper()
	code, m := post(t, s.srv.URL+"/webhook/workflow/trigger/approval", `{"amount": 12}`)
	var r, c, e map[string]string
	_ = json.Unmarshal(m["cancel_urls"], &c)
	_ = json.Unmarshal(m["extend_urls"], &e)
	if err := json.Unmarshal(m["resume_urls"], &r); code != 200 || err != nil || str(m, "status") != "suspended" {
		t.Fatalf("trigger %d %s %v", code, m, err)
	}
	return waitURLs{exec: str(m, "execution_id"), resume: r["wait_approval"], cancel: c["wait_approval"], extend: e["wait_approval"]}
}

// checkRows: every stored registration row of the execution equals the
// row the library gives for it from the stored execution state.
func (s *server) checkRows(t *testing.T, execID string) (webhookhttp.ExecutionRow, []webhookhttp.RegistrationRow) {
	t.Helper()
	ctx := context.Background()
	exec, err := s.store.Execution(ctx, execID)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.store.Registrations(ctx, execID)
	if err != nil {
		t.Fatal(err)
	}
	x, err := prana.ExecutionFromJSON(exec.State, prana.WithMaxPayload(prana.ServerMaxPayload))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	regs, err := x.Registrations()
	if err != nil || len(regs) != len(rows) {
		t.Fatalf("%d rows, %d registrations, %v", len(rows), len(regs), err)
	}
	for i, r := range regs {
		id, _ := r.ResumeID()
		r.Close()
		j, err := x.RegistrationJSON(s.h.Workflow(exec.WorkflowID), id)
		if err != nil || id != rows[i].ResumeID || !bytes.Equal(j, rows[i].JSON) {
			t.Fatalf("stored %s %s\nlibrary %s %v", rows[i].Status, rows[i].JSON, j, err)
		}
	}
	return exec, rows
}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sql.Open("postgres", dsn)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			errs <- webhookhttp.NewSQLStore(db).Migrate(context.Background())
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t)
	var v int
	if err := db.QueryRow(`SELECT MAX(version) FROM prana_schema_migrations`).Scan(&v); err != nil || v != webhookhttp.SchemaVersion() {
		t.Fatalf("schema version %d %v, want %d", v, err, webhookhttp.SchemaVersion())
	}
}

func TestTriggerResumeThenAlreadyUsed(t *testing.T) {
	e := newEnv(t)
	s := e.server()
	exec, url := s.trigger(t)
	_, rows := s.checkRows(t, exec)
	if len(rows) != 1 || rows[0].Status != prana.Active || !strings.Contains(url, "?sig=k1.") {
		t.Fatalf("%+v %q", rows, url)
	}
	e.clock.add(5 * time.Minute)
	code, m := post(t, s.at(url), `{"approved": true}`)
	if code != 200 || str(m, "status") != "completed" || string(m["output"]) != `{"approved":true}` {
		t.Fatalf("resume %d %s", code, m)
	}
	row, rows := s.checkRows(t, exec)
	if row.Status != prana.ExecutionCompleted || rows[0].Status != prana.Consumed {
		t.Fatalf("%v %+v", row.Status, rows)
	}
	code, m = post(t, s.at(url), `{"approved": false}`)
	if code != 409 || str(m, "error") != "webhook_already_used" {
		t.Fatalf("second resume %d %s", code, m)
	}
	if e.nodes.count("done") != 1 {
		t.Fatalf("done ran %d times", e.nodes.count("done"))
	}
}

// TestHundredResumesTwoPools: 100 goroutines through two handlers, each
// with its own connection pool, race on one resume URL: exactly one 200.
func TestHundredResumesTwoPools(t *testing.T) {
	e := newEnv(t)
	a, b := e.server(), e.server()
	exec, url := a.trigger(t)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 100; i++ {
		target := a.at(url)
		if i%2 == 1 {
			target = b.at(url)
		}
		wg.Add(1)
		go func(i int, target string) {
			defer wg.Done()
			<-start
			resp, err := http.Post(target, "application/json", strings.NewReader(fmt.Sprintf(`{"i": %d}`, i)))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}(i, target)
	}
	close(start)
	wg.Wait()
	if codes[200] != 1 || codes[409] != 99 {
		t.Fatalf("status counts %v, want one 200 and 99 409", codes)
	}
	if e.nodes.count("done") != 1 {
		t.Fatalf("done ran %d times", e.nodes.count("done"))
	}
	row, rows := b.checkRows(t, exec)
	if row.Status != prana.ExecutionCompleted || rows[0].Status != prana.Consumed {
		t.Fatalf("%v %+v", row.Status, rows)
	}
}

func TestExpiryThroughTimeoutPort(t *testing.T) {
	e := newEnv(t)
	a, b := e.server(), e.server()
	exec, url := a.trigger(t)
	ctx := context.Background()
	e.clock.add(59 * time.Minute)
	if n, err := a.h.ExpireDue(ctx, -1); err != nil || n != 0 {
		t.Fatalf("before expiry %d %v", n, err)
	}
	e.clock.add(time.Minute)
	// Two sweepers at once: the registration expires once.
	var wg sync.WaitGroup
	var total atomic.Int64
	for _, s := range []*server{a, b} {
		wg.Add(1)
		go func(s *server) {
			defer wg.Done()
			n, err := s.h.ExpireDue(ctx, -1)
			if err != nil {
				t.Error(err)
			}
			total.Add(int64(n))
		}(s)
	}
	wg.Wait()
	if total.Load() != 1 || e.nodes.count("escalate") != 1 || e.nodes.count("done") != 0 {
		t.Fatalf("expired %d, escalate ran %d, done ran %d", total.Load(), e.nodes.count("escalate"), e.nodes.count("done"))
	}
	row, rows := a.checkRows(t, exec)
	if row.Status != prana.ExecutionCompleted || rows[0].Status != prana.Expired {
		t.Fatalf("%v %+v", row.Status, rows)
	}
	code, m := post(t, b.at(url), `{}`)
	if code != 410 || str(m, "error") != "webhook_expired" {
		t.Fatalf("resume after expiry %d %s", code, m)
	}
}

// race posts n requests at once, spread over targets, and counts statuses.
func race(t *testing.T, targets []string, n int, body func(i int) string) map[int]int {
	t.Helper()
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			resp, err := http.Post(targets[i%len(targets)], "application/json", strings.NewReader(body(i)))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}(i)
	}
	close(start)
	wg.Wait()
	return codes
}

// TestCancelResumeRaceTwoPools: 64 resumes and cancels of one wait, mixed,
// through two handlers with their own pools: exactly one wins.
func TestCancelResumeRaceTwoPools(t *testing.T) {
	e := newEnv(t)
	a, b := e.server(), e.server()
	u := a.start(t)
	targets := []string{a.at(u.resume), b.at(u.cancel), b.at(u.resume), a.at(u.cancel)}
	codes := race(t, targets, 64, func(i int) string { return fmt.Sprintf(`{"i": %d}`, i) })
	if codes[200] != 1 || codes[409] != 63 {
		t.Fatalf("status counts %v, want one 200 and 63 409", codes)
	}
	if n := e.nodes.count("done") + e.nodes.count("rejected"); n != 1 {
		t.Fatalf("done %d, rejected %d", e.nodes.count("done"), e.nodes.count("rejected"))
	}
	row, rows := b.checkRows(t, u.exec)
	if row.Status != prana.ExecutionCompleted || rows[0].Status != prana.Consumed {
		t.Fatalf("%v %+v", row.Status, rows)
	}
}

func TestCancelThroughCancelPort(t *testing.T) {
	e := newEnv(t)
	s := e.server()
	u := s.start(t)
	code, m := post(t, s.at(u.cancel), "")
	if code != 200 || str(m, "status") != "completed" || e.nodes.count("rejected") != 1 {
		t.Fatalf("cancel %d %s", code, m)
	}
	if code, m = post(t, s.at(u.resume), "{}"); code != 409 || str(m, "error") != "webhook_already_used" {
		t.Fatalf("resume after cancel %d %s", code, m)
	}
	s.checkRows(t, u.exec)
}

// TestExtendThenExpiry: an extend moves the stored expiry (a
// compare-and-set on expires_at) and the execution's with it; the sweeper
// expires at the new time.
func TestExtendThenExpiry(t *testing.T) {
	e := newEnv(t)
	a, b := e.server(), e.server()
	u := a.start(t)
	ctx := context.Background()
	e.clock.add(30 * time.Minute)
	want := e.clock.now().Add(2 * time.Hour)
	// Ten concurrent extends at one instant: one moves the expiry, the
	// others lost the compare-and-set (409) or find it not later (422).
	codes := race(t, []string{a.at(u.extend), b.at(u.extend)}, 10, func(int) string { return `{"timeout_hours": 2}` })
	if codes[200] != 1 || codes[409]+codes[422] != 9 {
		t.Fatalf("extend status counts %v", codes)
	}
	rows, err := a.store.Registrations(ctx, u.exec)
	if err != nil || !rows[0].ExpiresAt.Equal(want) || rows[0].Status != prana.Active {
		t.Fatalf("%+v %v, want expiry %v", rows, err, want)
	}
	// The execution recorded the extension with the row, in one transaction.
	a.checkRows(t, u.exec)
	e.clock.add(time.Hour) // past the old expiry
	if n, err := a.h.ExpireDue(ctx, -1); err != nil || n != 0 {
		t.Fatalf("expired %d %v before the new expiry", n, err)
	}
	e.clock.ms.Store(want.UnixMilli())
	if n, err := b.h.ExpireDue(ctx, -1); err != nil || n != 1 || e.nodes.count("escalate") != 1 {
		t.Fatalf("expired %d %v, escalate ran %d", n, err, e.nodes.count("escalate"))
	}
	if code, m := post(t, a.at(u.resume), "{}"); code != 410 || str(m, "error") != "webhook_expired" {
		t.Fatalf("resume after expiry %d %s", code, m)
	}
	b.checkRows(t, u.exec)
}

// TestMegabytePayloads: with the default limit a 1 MiB trigger payload
// and a 1 MiB resume payload are stored in PostgreSQL and go through.
func TestMegabytePayloads(t *testing.T) {
	e := newEnv(t)
	s := e.serverMax(0)
	const mib = 1 << 20
	payload := func(tag string) string {
		head := `{"tag":"` + tag + `","blob":"`
		return head + strings.Repeat("x", mib-len(head)-2) + `"}`
	}
	code, m := post(t, s.srv.URL+"/webhook/workflow/trigger/approval", payload("t"))
	var urls map[string]string
	_ = json.Unmarshal(m["resume_urls"], &urls)
	if code != 200 || str(m, "status") != "suspended" {
		t.Fatalf("trigger %d %s %s", code, str(m, "error"), str(m, "message"))
	}
	code, m = post(t, s.at(urls["wait_approval"]), payload("r"))
	if code != 200 || str(m, "status") != "completed" || len(m["output"]) != mib || !strings.HasPrefix(string(m["output"]), `{"tag":"r"`) {
		t.Fatalf("resume %d %s %s (output %d bytes)", code, str(m, "error"), str(m, "message"), len(m["output"]))
	}
	s.checkRows(t, str(m, "execution_id"))
}
