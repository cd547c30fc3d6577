// Package webhookhttp serves Prana webhook's trigger, resume, cancel and
// extend URLs as an http.Handler, with the library's exactly-once protocol
// over a Store.
//
// A trigger (POST {base}/webhook/workflow/trigger/{workflow_id}) starts an
// execution, stores its rows, runs it until it completes, fails or waits,
// and stores what changed; it answers the wait nodes' signed resume,
// cancel and extend URLs. A POST on a resume or cancel URL
// ({base}/webhook/workflow/{resume|cancel}/{resume_id}[?sig=…]) goes
// through the numbered protocol of package prana: precheck, signature in
// the route's own domain, lookup, decide, compare-and-set, load state,
// resume or cancel, store rows. Of any number of concurrent resumes and
// cancels of one wait, across processes sharing the Store, exactly one is
// answered 200; the others get 409 webhook_already_used. A POST on an
// extend URL ({"timeout_hours": n} or empty) moves the wait's expiry with a
// compare-and-set on it.
//
// A GET on a resume or cancel URL changes nothing (mail and chat link
// scanners fetch every link): a browser gets the wait's page, anything
// else its JSON description. The page's form posts back; the library
// decodes it into the typed resume payload, and a refused form is answered
// 422 with the page again while the wait stays active. Config.GetConsumes
// restores GET-resumes for API callers. The package never escapes HTML or
// decodes forms itself: pages, security headers and form decoding come
// from the library.
//
// Rejections are result pages for browsers and otherwise JSON
// {"error": code, "message": text} with the library's statuses: 404
// not_found, 400 invalid_webhook_url, 401 invalid_signature, 404
// webhook_not_found, 400 wait_node_not_active, 410 webhook_expired, 409
// webhook_already_used, 405 method_not_allowed, 413 payload_too_large, 422
// extend_not_later or extend_beyond_limit, 400 invalid_extend_request; and
// from this package 404 workflow_not_found, 400 invalid_json, 400
// invalid_query, 400 invalid_body, 400 invalid_form, 401 invalid_signature
// (a trigger failing its Standard Webhooks check), 409 store_conflict, 503
// store_unavailable, and 500 with internal_error, start_failed, run_failed,
// resume_failed, page_failed, bad_stored_row or bad_stored_state.
//
// Waits that time out are expired by ExpireDue (call it from a ticker):
// the execution continues through the wait node's timeout port. Interval
// and schedule waits (timers) are not resumed by this package.
//
// The compare-and-set is the commit point: a request that wins it and then
// fails (the store goes away, the process dies) leaves the execution
// waiting on a consumed registration. The handler answers 5xx and logs it;
// the Store holds everything needed to finish it by hand.
//
// Two stores come with the package: MemoryStore (tests, demos) and
// SQLStore (database/sql, PostgreSQL schema; the program picks the driver).
package webhookhttp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sort"
	"sync"
	"time"

	prana "example.invalid/prana-webhook/go"
)

// DefaultMaxPayload is the default request body limit and execution
// payload capacity: 1 MiB.
const DefaultMaxPayload = prana.ServerMaxPayload

// Config configures a Handler. BaseURL and Store are required.
type Config struct {
	// BaseURL is the public base of the webhook URLs; the handler serves
	// the paths under it.
	BaseURL *prana.BaseURL
	// Store keeps executions and registrations.
	Store Store
	// Keys signs resume URLs (?sig=) and verifies them. Nil: resume URLs
	// are unsigned, and only SignatureOff or SignatureOptional accept them.
	Keys *prana.KeySet
	// SignaturePolicy says how strictly resume URLs are checked (the zero
	// value is prana.SignatureRequired).
	SignaturePolicy prana.SignaturePolicy
	// TriggerSecret, when set, requires Standard Webhooks signatures
	// (webhook-id, webhook-timestamp, webhook-signature) on triggers.
	TriggerSecret *prana.WebhookSecret
	// MaxPayload limits request bodies in bytes and is the payload
	// capacity of every execution the handler starts or loads (0:
	// DefaultMaxPayload, 1 MiB). Lowering it below what running
	// executions were started with makes them fail to load.
	MaxPayload int64
	// GetConsumes restores the old behaviour of a GET on a resume URL: it
	// resumes (the query parameters other than sig become the payload).
	// Off by default because mail and chat link scanners fetch every link
	// they see and would approve before a person reads it; by default a
	// GET only reads (a page for browsers, JSON otherwise) and a POST acts.
	// A GET on a cancel URL always only reads.
	GetConsumes bool
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Logger receives failures after a compare-and-set (nil: log.Default()).
	Logger *log.Logger
}

// Handler serves trigger and resume requests. Safe for concurrent use;
// register workflows and node handlers before serving.
type Handler struct {
	cfg  Config
	keys *prana.KeySet
	ids  *prana.IDGenerator
	idMu sync.Mutex

	mu        sync.RWMutex
	workflows map[string]*prana.Workflow
	nodes     map[string]prana.NodeHandler
}

// New makes a Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.BaseURL == nil || cfg.Store == nil {
		return nil, errors.New("webhookhttp: Config.BaseURL and Config.Store are required")
	}
	if cfg.MaxPayload <= 0 {
		cfg.MaxPayload = DefaultMaxPayload
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = log.Default()
	}
	seed := make([]byte, prana.IDSeedLen)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("webhookhttp: seeding resume IDs: %w", err)
	}
	ids, err := prana.NewIDGenerator(seed)
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, keys: cfg.Keys, ids: ids,
		workflows: map[string]*prana.Workflow{}, nodes: map[string]prana.NodeHandler{}}
	if h.keys == nil {
		// An empty set verifies nothing: unsigned URLs pass only under
		// SignatureOptional or SignatureOff.
		if h.keys, err = prana.NewKeySet(); err != nil {
			_ = ids.Close()
			return nil, err
		}
	}
	return h, nil
}

// Close frees the handler's resume ID generator (and its empty key set
// when Config.Keys was nil). Workflows, keys and the store stay the
// caller's.
func (h *Handler) Close() error {
	h.idMu.Lock()
	defer h.idMu.Unlock()
	if h.cfg.Keys == nil {
		_ = h.keys.Close()
	}
	return h.ids.Close()
}

// AddWorkflow serves wf under its id (replacing one with the same id).
func (h *Handler) AddWorkflow(wf *prana.Workflow) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.workflows[wf.ID()] = wf
}

// HandleNode runs every node of type nodeType with fn.
func (h *Handler) HandleNode(nodeType string, fn prana.NodeHandler) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nodes[nodeType] = fn
}

// Workflow is the workflow served under id (nil if none).
func (h *Handler) Workflow(id string) *prana.Workflow { return h.workflow(id) }

func (h *Handler) workflow(id string) *prana.Workflow {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.workflows[id]
}

// runNode dispatches a node call by type.
func (h *Handler) runNode(ctx context.Context, c prana.NodeCall) (prana.NodeResult, error) {
	h.mu.RLock()
	fn := h.nodes[c.NodeType]
	h.mu.RUnlock()
	if fn == nil {
		return prana.NodeResult{}, &prana.NodeError{Code: "no_handler",
			Message: fmt.Sprintf("no handler is registered for node type %q", c.NodeType)}
	}
	return fn(ctx, c)
}

// Result is what a trigger or resume answers with 200.
type Result struct {
	ExecutionID string            `json:"execution_id"`
	Status      string            `json:"status"`
	CurrentNode string            `json:"current_node"`
	ResumeURLs  map[string]string `json:"resume_urls,omitempty"` // trigger only: wait node → URL
	CancelURLs  map[string]string `json:"cancel_urls,omitempty"` // trigger only: wait node → URL
	ExtendURLs  map[string]string `json:"extend_urls,omitempty"` // trigger only: wait node → URL
	Error       string            `json:"error,omitempty"`
	Output      json.RawMessage   `json:"output"`
}

// Error is a request answered with a status other than 200.
type Error struct {
	Status  int
	Code    string
	Message string
	Err     error // the cause, when there is one
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// Unwrap is the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of the code (see prana.AnswerError).
func (e *Error) Is(target error) bool {
	a := &prana.AnswerError{Answer: prana.HTTPAnswer{Status: e.Status, Code: e.Code}}
	return a.Is(target)
}

func answerErr(a prana.HTTPAnswer) *Error {
	return &Error{Status: a.Status, Code: a.Code, Message: a.Message, Err: a.Err()}
}

func internal(code string, err error) *Error {
	return &Error{Status: http.StatusInternalServerError, Code: code, Message: err.Error(), Err: err}
}

func storeErr(err error) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "store_unavailable", Message: err.Error(), Err: err}
}

func (h *Handler) newExecutionID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "ex-" + hex.EncodeToString(b[:]), nil
}

// Trigger starts an execution of workflowID with payload, as a trigger
// request does (without its HTTP checks).
func (h *Handler) Trigger(ctx context.Context, workflowID string, payload []byte) (*Result, error) {
	wf := h.workflow(workflowID)
	if wf == nil {
		return nil, &Error{Status: http.StatusNotFound, Code: "workflow_not_found",
			Message: fmt.Sprintf("no workflow has id %q", workflowID)}
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if err := prana.ValidateJSON(payload); err != nil {
		return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: err.Error(), Err: err}
	}
	id, err := h.newExecutionID()
	if err != nil {
		return nil, internal("internal_error", err)
	}
	now := h.cfg.Now()
	// 1. start.
	h.idMu.Lock()
	x, err := prana.StartSignedExecution(wf, id, h.cfg.BaseURL, h.cfg.Keys, h.ids, now,
		prana.WithMaxPayload(int(h.cfg.MaxPayload)))
	h.idMu.Unlock()
	if err != nil {
		return nil, internal("start_failed", err)
	}
	defer x.Close()
	// 2. store one row per registration, as the execution gives it.
	exec, err := executionRow(x)
	if err != nil {
		return nil, internal("internal_error", err)
	}
	regs, err := x.Registrations()
	if err != nil {
		return nil, internal("internal_error", err)
	}
	ids := make([]string, 0, len(regs))
	for _, reg := range regs {
		id, err := reg.ResumeID()
		_ = reg.Close()
		if err != nil {
			return nil, internal("internal_error", err)
		}
		ids = append(ids, id)
	}
	rows := make([]RegistrationRow, 0, len(ids))
	urls, cancels, extends := map[string]string{}, map[string]string{}, map[string]string{}
	for _, id := range ids {
		row, err := rowOf(wf, x, id)
		if err != nil {
			return nil, internal("internal_error", err)
		}
		rows = append(rows, row)
		if urls[row.NodeID], err = x.ResumeURL(row.NodeID); err != nil {
			return nil, internal("internal_error", err)
		}
		if cancels[row.NodeID], err = h.actionURL(prana.RouteCancel, id); err != nil {
			return nil, internal("internal_error", err)
		}
		if extends[row.NodeID], err = h.actionURL(prana.RouteExtend, id); err != nil {
			return nil, internal("internal_error", err)
		}
	}
	if err := h.cfg.Store.Create(ctx, exec, rows); err != nil {
		return nil, storeErr(err)
	}
	// 3. run, then store what changed.
	res, err := x.Run(ctx, wf, h.runNode, payload, now)
	if err != nil {
		return nil, internal("run_failed", err)
	}
	out, err := h.persist(ctx, wf, x, nil, res.Transitions)
	if err != nil {
		return nil, err
	}
	if len(urls) > 0 {
		out.ResumeURLs, out.CancelURLs, out.ExtendURLs = urls, cancels, extends
	}
	return out, nil
}

func (h *Handler) trigger(r *http.Request, workflowID string, body []byte) (*Result, error) {
	if h.cfg.TriggerSecret != nil {
		if _, err := h.cfg.TriggerSecret.VerifyRequest(r, body, h.cfg.Now(), prana.StandardWebhooksTolerance); err != nil {
			return nil, &Error{Status: http.StatusUnauthorized, Code: "invalid_signature", Message: err.Error(), Err: err}
		}
	}
	return h.Trigger(r.Context(), workflowID, body)
}

// persist stores the execution's state, the applied transition's row and
// the rows of the transitions, and makes the answer.
func (h *Handler) persist(ctx context.Context, wf *prana.Workflow, x *prana.Execution, applied *prana.Transition,
	ts []prana.Transition) (*Result, error) {
	changes, err := changesFor(wf, x, applied, ts)
	if err != nil {
		return nil, internal("internal_error", err)
	}
	exec, err := executionRow(x)
	if err != nil {
		return nil, internal("internal_error", err)
	}
	if err := h.cfg.Store.Save(ctx, exec, changes); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, &Error{Status: http.StatusConflict, Code: "store_conflict", Message: err.Error(), Err: err}
		}
		return nil, storeErr(err)
	}
	out := &Result{ExecutionID: exec.ID, Status: exec.Status.String(), Output: json.RawMessage("null")}
	if out.CurrentNode, err = currentNode(x); err != nil {
		return nil, internal("internal_error", err)
	}
	if o, err := x.Output(); err != nil {
		return nil, internal("internal_error", err)
	} else if len(o) > 0 {
		out.Output = o
	}
	return out, nil
}

// currentNode is the node a suspended execution waits at, from its rows.
func currentNode(x *prana.Execution) (string, error) {
	rid, err := x.WaitingResumeID()
	if err != nil || rid == "" {
		return "", err
	}
	regs, err := x.Registrations()
	if err != nil {
		return "", err
	}
	node := ""
	for _, reg := range regs {
		if id, _ := reg.ResumeID(); id == rid {
			node, err = reg.NodeID()
		}
		_ = reg.Close()
	}
	return node, err
}

// continueAfter loads the execution (step 5 of the protocol), runs step
// (resume, cancel or expire) and stores the applied transition's row and
// every transition the step returned.
func (h *Handler) continueAfter(ctx context.Context, executionID string, applied *prana.Transition,
	step func(*prana.Workflow, *prana.Execution) (prana.RunResult, error)) (*Result, error) {
	exec, err := h.cfg.Store.Execution(ctx, executionID)
	if err != nil {
		return nil, storeErr(err)
	}
	wf := h.workflow(exec.WorkflowID)
	if wf == nil {
		return nil, &Error{Status: http.StatusInternalServerError, Code: "workflow_not_found",
			Message: fmt.Sprintf("execution %s runs workflow %q, which this handler does not serve", executionID, exec.WorkflowID)}
	}
	x, err := prana.ExecutionFromJSON(exec.State, prana.WithMaxPayload(int(h.cfg.MaxPayload)))
	if err != nil {
		return nil, internal("bad_stored_state", err)
	}
	defer x.Close()
	res, err := step(wf, x)
	if err != nil {
		return nil, internal("resume_failed", err)
	}
	return h.persist(ctx, wf, x, applied, res.Transitions)
}

// ExpireDue expires every active registration whose expiry has passed
// (at most limit; limit < 0: all) and continues each execution through
// its wait node's timeout port. It returns how many it expired; a
// registration another caller (a resume, a cancel, an extend or another
// sweeper) changed first is skipped. Call it periodically.
func (h *Handler) ExpireDue(ctx context.Context, limit int) (int, error) {
	now := h.cfg.Now()
	due, err := h.cfg.Store.Due(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].ExpiresAt.Before(due[j].ExpiresAt) })
	n := 0
	for _, row := range due {
		ok, err := h.expireOne(ctx, row, now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// expireOne expires one due registration, by the protocol's steps: the
// library decides active → expired on the stored row (DecideExpire), the
// store applies it with compare-and-set on the status and the expiry (so an
// extend, resume or cancel in between wins: of them and the sweepers exactly
// one goes on, and the timeout port runs once), then the execution takes the
// applied transition (Expire) and the state is stored with its row and
// every transition the call returned, as after a resume.
func (h *Handler) expireOne(ctx context.Context, row RegistrationRow, now time.Time) (bool, error) {
	reg, err := prana.RegistrationFromJSON(row.JSON)
	if err != nil {
		return false, err
	}
	defer reg.Close()
	applied, due, err := prana.DecideExpire(row.ResumeID, reg, now)
	if err != nil || !due {
		return false, err
	}
	// The row with its new status until the library's row replaces it.
	if _, err := reg.Expire(); err != nil {
		return false, err
	}
	expired, err := registrationRow(reg)
	if err != nil {
		return false, err
	}
	won, err := h.cfg.Store.CompareAndSet(ctx, Change{From: applied.From, To: applied.To, FromExpiresAt: row.ExpiresAt, Row: expired})
	if err != nil || !won {
		return false, err
	}
	_, err = h.continueAfter(ctx, row.ExecutionID, &applied, func(wf *prana.Workflow, x *prana.Execution) (prana.RunResult, error) {
		return x.Expire(ctx, wf, h.runNode, applied, now)
	})
	return err == nil, err
}
